import type { TTimelineEntry } from './timeline-entry.ts';

type ChainEntry = Pick<TTimelineEntry, 'id' | 'status' | 'resendOfId' | 'attempt' | 'createdAt'>;

const FAILED_STATUSES: readonly string[] = ['failed', 'bounced'];

function chainRoot(entry: ChainEntry, byId: ReadonlyMap<string, ChainEntry>): string {
  let current = entry;
  // Bounded by the number of entries so a malformed cycle cannot loop forever.
  for (let hops = 0; hops <= byId.size && current.resendOfId; hops += 1) {
    const parent = byId.get(current.resendOfId);
    if (!parent) return current.resendOfId;
    current = parent;
  }
  return current.id;
}

function isLater(a: ChainEntry, b: ChainEntry): boolean {
  return a.attempt !== b.attempt ? a.attempt > b.attempt : Date.parse(a.createdAt) > Date.parse(b.createdAt);
}

/**
 * True when this communication failed or bounced and is the latest attempt of its resend chain:
 * the one the timeline offers to resend. An original whose resend is queued or delivered needs
 * nothing more, whether resends link to the previous attempt or to the original.
 */
export function needsResend(entry: ChainEntry, timeline: readonly ChainEntry[]): boolean {
  if (!FAILED_STATUSES.includes(entry.status)) return false;
  const byId = new Map(timeline.map((e) => [e.id, e]));
  byId.set(entry.id, entry);
  const root = chainRoot(entry, byId);
  return !timeline.some((other) => other.id !== entry.id && chainRoot(other, byId) === root && isLater(other, entry));
}
