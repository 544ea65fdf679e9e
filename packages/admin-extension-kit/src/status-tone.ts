import type { TCommunicationStatus } from '@exstream-connect/core';

/** The badge tones Polaris `<s-badge tone>` accepts in admin extensions (2026-04). */
export type TBadgeTone = 'auto' | 'neutral' | 'info' | 'success' | 'caution' | 'warning' | 'critical';

// Typed against core's status enum so a status added there fails typecheck here until it has a tone.
const TONES: Readonly<Record<TCommunicationStatus, TBadgeTone>> = {
  queued: 'neutral',
  sending: 'info',
  // Handed to Exstream, not yet confirmed delivered: informative, not yet a success.
  sent: 'info',
  delivered: 'success',
  opened: 'success',
  bounced: 'critical',
  failed: 'critical',
  // The customer opted out or consent is missing: intended, but the merchant should notice.
  suppressed: 'caution',
  skipped: 'neutral',
};

/** Badge tone for a communication status; statuses this build does not know render neutral. */
export function statusTone(status: string): TBadgeTone {
  return Object.hasOwn(TONES, status) ? TONES[status as TCommunicationStatus] : 'neutral';
}
