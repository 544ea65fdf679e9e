import { isConnectError } from '@exstream-connect/core';
import type { ExstreamClient, TExstreamJob } from '@exstream-connect/exstream';

/**
 * What Exstream knows about one Idempotency-Key, from its job list filtered on `externalId`.
 *
 * Inferred behaviour (API notes §5, §7): an on-demand call records a job (`mode: ONDEMAND`) and our
 * client's Idempotency-Key becomes the job's `externalId`; the sandbox does exactly that. A tenant
 * that records no such job simply answers `absent`, which leads to a re-send with the same key.
 */
export type ExstreamKeyState =
  /** A document was produced for this key: record it, never send again. */
  | { kind: 'complete'; job: TExstreamJob }
  /** A previous call is still being composed: wait for it rather than start a second one. */
  | { kind: 'running'; job: TExstreamJob }
  /** No job, or only jobs that produced nothing (`error`, `canceled`, `deleted`): sending is safe. */
  | { kind: 'absent'; failed: TExstreamJob | null }
  /** The lookup itself is refused (e.g. the client may not read jobs): the key is the only guard left. */
  | { kind: 'unknown'; error: string };

const RUNNING = new Set(['uninitialized', 'waiting', 'started', 'holding']);

/** Retryable lookup failures (5xx, timeouts) are thrown: the caller retries the whole attempt later. */
export async function findExstreamJobForKey(client: ExstreamClient, key: string): Promise<ExstreamKeyState> {
  let jobs: TExstreamJob[];
  try {
    jobs = await client.findJobsByExternalId(key);
  } catch (error) {
    if (!isConnectError(error) || error.retryable) throw error;
    return { kind: 'unknown', error: error.message };
  }
  // Only exact matches count: a server that ignored the filter would otherwise list every job, and
  // one of them being complete must never stop this communication from being sent.
  const own = jobs.filter((job) => job.externalId === key);
  const complete = own.find((job) => job.status === 'complete');
  if (complete) return { kind: 'complete', job: complete };
  const running = own.find((job) => RUNNING.has(job.status));
  if (running) return { kind: 'running', job: running };
  return { kind: 'absent', failed: own[0] ?? null };
}
