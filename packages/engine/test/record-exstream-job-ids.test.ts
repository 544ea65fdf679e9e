import { describe, expect, it } from 'vitest';
import type { TExstreamJob } from '@exstream-connect/exstream';
import { SILENT_LOGGER } from '../src/engine-context.ts';
import { createJobIdRecorder, pickJobPerKey } from '../src/record-exstream-job-ids.ts';

const job = (id: string, externalId: string | null, status = 'complete'): TExstreamJob => ({ id, status, externalId, mode: 'ONDEMAND' });

describe('recording Exstream job ids after on-demand sends', () => {
  it('picks, per key, the complete job over a running one and never a job of another key', () => {
    const picked = pickJobPerKey([job('j1', 'k1', 'error'), job('j2', 'k1', 'complete'), job('j3', 'k2', 'started'), job('j4', 'other'), job('j5', null)], new Set(['k1', 'k2', 'k3']));
    expect(Object.fromEntries([...picked].map(([k, j]) => [k, j.id]))).toEqual({ k1: 'j2', k2: 'j3' });
  });

  it('asks once per store for the sends that finish together, and key by key when the tenant ignores a list filter', async () => {
    const calls: string[] = [];
    const recorded: Array<{ communicationId: string; jobId: string }> = [];
    let listFilterWorks = true;
    const client = {
      listJobs: async (input: { filter: { externalId: string[] } }) => {
        calls.push(`list ${input.filter.externalId.join(',')}`);
        // A tenant that reads `k1,k2` as one value still matches a single key.
        const keys = input.filter.externalId;
        return { jobs: listFilterWorks || keys.length === 1 ? keys.map((k) => job(`job-${k}`, k)) : [], page: null };
      },
      findJobsByExternalId: async (key: string) => {
        calls.push(`find ${key}`);
        return [job(`job-${key}`, key)];
      },
    };
    const recorder = createJobIdRecorder({
      logger: SILENT_LOGGER,
      exstream: { forStore: async () => ({ client, connection: {} }) } as never,
      deliveryWriter: { recordJobId: async (r: { communicationId: string; jobId: string }) => (recorded.push(r), true) } as never,
    });
    for (const n of [1, 2, 3]) recorder.record({ storeId: 's', communicationId: `c${n}`, idempotencyKey: `k${n}` });
    await recorder.drain();
    // The first send goes alone (nothing in flight yet); the two that arrive meanwhile share one call.
    expect(calls).toEqual(['list k1', 'list k2,k3']);
    expect(recorded.map((r) => `${r.communicationId}=${r.jobId}`).sort()).toEqual(['c1=job-k1', 'c2=job-k2', 'c3=job-k3']);

    calls.length = 0;
    listFilterWorks = false;
    recorder.record({ storeId: 's', communicationId: 'c4', idempotencyKey: 'k4' });
    recorder.record({ storeId: 's', communicationId: 'c5', idempotencyKey: 'k5' });
    recorder.record({ storeId: 's', communicationId: 'c6', idempotencyKey: 'k6' });
    await recorder.drain();
    expect(calls).toEqual(['list k4', 'list k5,k6', 'find k5', 'find k6']);
    expect(recorded.slice(3).map((r) => `${r.communicationId}=${r.jobId}`).sort()).toEqual(['c4=job-k4', 'c5=job-k5', 'c6=job-k6']);
  });
});
