import type { TCommunicationView } from './format-communication.ts';

type Pickable = Pick<TCommunicationView, 'id' | 'resendable' | 'needsResend'>;

/**
 * The communication the resend action preselects: the one the timeline opened it for, else the
 * newest that failed and was not resent yet, else the newest that may be resent; null when none
 * may be. Views come newest first.
 */
export function pickCommunication(views: readonly Pickable[], preferredId: string | null): string | null {
  const preferred = preferredId ? views.find((v) => v.id === preferredId && v.resendable) : undefined;
  return (preferred ?? views.find((v) => v.needsResend && v.resendable) ?? views.find((v) => v.resendable))?.id ?? null;
}
