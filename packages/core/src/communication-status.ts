import { z } from 'zod';

export const ZCommunicationStatus = z.enum(['queued', 'sending', 'sent', 'delivered', 'opened', 'bounced', 'failed', 'suppressed', 'skipped']);
export type TCommunicationStatus = z.infer<typeof ZCommunicationStatus>;

/**
 * Allowed moves. `failed → queued` is the re-trigger of a dead-lettered communication;
 * `sending → queued` is a reconcile that found no document at Exstream. Delivery feedback can
 * arrive out of order, so `sent → opened` is allowed without a `delivered` first, and `opened`
 * never moves back to `delivered`.
 */
export const STATUS_TRANSITIONS: Readonly<Record<TCommunicationStatus, readonly TCommunicationStatus[]>> = {
  queued: ['sending', 'suppressed', 'skipped', 'failed'],
  sending: ['sent', 'failed', 'queued'],
  sent: ['delivered', 'opened', 'bounced', 'failed'],
  delivered: ['opened', 'bounced'],
  opened: [],
  bounced: [],
  failed: ['queued'],
  suppressed: [],
  skipped: [],
};

/** Statuses after which nothing more happens to a communication without a person acting. */
export const TERMINAL_STATUSES: readonly TCommunicationStatus[] = ['delivered', 'opened', 'bounced', 'failed', 'suppressed', 'skipped'];

export function canTransition(from: TCommunicationStatus, to: TCommunicationStatus): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}

export function isTerminalStatus(status: TCommunicationStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
