import type { TTimelineEntry } from './timeline-entry.ts';

/**
 * Statuses a merchant may ask to resend. Not `queued`/`sending` (an attempt is in flight: the
 * engine answers CONFLICT), not `suppressed` (the customer opted out; resending would ignore
 * consent), not `skipped` (no template applied, so there is nothing to send).
 */
export const RESENDABLE_STATUSES: readonly string[] = ['failed', 'bounced', 'sent', 'delivered', 'opened'];

export function isResendable(entry: Pick<TTimelineEntry, 'status'>): boolean {
  return RESENDABLE_STATUSES.includes(entry.status);
}
