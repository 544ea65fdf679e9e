import type { KeyHistory } from './start-fault-proxy.ts';

/** Statuses of a communication whose document Exstream produced (sent, then its delivery feedback). */
export const PRODUCED_STATUSES: readonly string[] = ['sent', 'delivered', 'opened', 'bounced'];

export type CommunicationRow = { idempotencyKey: string; status: string };

export type ProducedDocumentsCheck = {
  /** Documents the sandbox produced, over EVERY key it saw (not only the keys of our rows). */
  producedTotal: number;
  /** Communications in sent / delivered / opened / bounced. */
  producingRows: number;
  /** Keys with more than one document. */
  producedTwice: string[];
  /** Keys the sandbox produced a document for that no communication row holds. */
  orphanKeys: string[];
  /** Keys held by more than one communication row. */
  sharedKeys: string[];
  /** Communications in a produced status without exactly one document. */
  missingDocuments: string[];
  /** Communications NOT in a produced status (skipped, failed, still queued…) that nonetheless have a document. */
  unexpectedDocuments: string[];
};

/**
 * "None sent twice" from both sides: the sandbox's documents per key against the database's rows.
 * Exactly one document per produced communication, none for any other, and none whose key no
 * row (or more than one row) holds. The sandbox dedupes repeated keys itself, so the REQUEST side
 * is checked separately (checkRepeatedCalls).
 */
export function checkProducedDocuments(produced: Readonly<Record<string, number>>, rows: readonly CommunicationRow[]): ProducedDocumentsCheck {
  const rowsByKey = new Map<string, CommunicationRow[]>();
  for (const row of rows) rowsByKey.set(row.idempotencyKey, [...(rowsByKey.get(row.idempotencyKey) ?? []), row]);
  const producing = rows.filter((r) => PRODUCED_STATUSES.includes(r.status));
  return {
    producedTotal: Object.values(produced).reduce((sum, n) => sum + n, 0),
    producingRows: producing.length,
    producedTwice: Object.entries(produced).filter(([, n]) => n > 1).map(([k]) => k),
    orphanKeys: Object.keys(produced).filter((k) => !rowsByKey.has(k)),
    sharedKeys: [...rowsByKey.entries()].filter(([, list]) => list.length > 1).map(([k]) => k),
    missingDocuments: producing.filter((r) => (produced[r.idempotencyKey] ?? 0) !== 1).map((r) => r.idempotencyKey),
    unexpectedDocuments: rows.filter((r) => !PRODUCED_STATUSES.includes(r.status) && (produced[r.idempotencyKey] ?? 0) > 0).map((r) => `${r.idempotencyKey} (${r.status})`),
  };
}

/** Keys of rows a worker held (`sending`) right after it was SIGKILLed, or when the database connections were cut. */
export type HeldKeysSnapshot = { what: string; at: number; keys: ReadonlySet<string> };

export type RepeatedCallsCheck = {
  keys: number;
  requests: number;
  /** Keys called more than once, and what explains the repeats. */
  repeatedKeys: number;
  explainedBy: { fault: number; heldAtCrash: number; tokenRefresh: number };
  /** Requests beyond the first per key: client and engine retries together. */
  repeats: number;
  unexplained: Array<{ key: string; requests: number; outcomes: KeyHistory['outcomes'] }>;
};

/**
 * A key may reach Exstream more than once only for a reason the run can name: each injected fault
 * (the answer never came or was an error, so the client or the queue retried), each 401 (token
 * refresh, then the same call again), and each crash or connection cut that caught the row in
 * `sending` while its calls straddle that moment (called before, called again after: the
 * recovering worker sent again with the same key). Allowed requests per key = 1 + faults + 401s +
 * such crashes; any key above that is reported with its history. The snapshots hold every
 * `sending` row, the surviving worker's too (no row says which worker holds it): the time
 * condition is what keeps a snapshot from excusing a repeat it could not have caused.
 */
export function checkRepeatedCalls(byKey: ReadonlyMap<string, KeyHistory>, held: readonly HeldKeysSnapshot[]): RepeatedCallsCheck {
  const result: RepeatedCallsCheck = { keys: byKey.size, requests: 0, repeatedKeys: 0, explainedBy: { fault: 0, heldAtCrash: 0, tokenRefresh: 0 }, repeats: 0, unexplained: [] };
  for (const [key, history] of byKey) {
    result.requests += history.requests;
    if (history.requests <= 1) continue;
    result.repeatedKeys++;
    result.repeats += history.requests - 1;
    const faults = history.outcomes.filter((o) => typeof o === 'string' && o !== 'error').length;
    const unauthorized = history.outcomes.filter((o) => o === 401).length;
    const crashes = held.filter((s) => s.keys.has(key) && history.firstAt <= s.at && history.lastAt >= s.at).length;
    if (history.requests > 1 + faults + unauthorized + crashes) {
      result.unexplained.push({ key, requests: history.requests, outcomes: history.outcomes });
      continue;
    }
    if (faults > 0) result.explainedBy.fault++;
    else if (crashes > 0) result.explainedBy.heldAtCrash++;
    else result.explainedBy.tokenRefresh++;
  }
  return result;
}
