import type { TExstreamJob } from '@exstream-connect/exstream';
import type { EngineContext } from './engine-context.ts';
import { createGroupCommit } from './group-commit.ts';

export type JobIdLookup = { storeId: string; communicationId: string; idempotencyKey: string };

/** Keys per job-list call: ~80 characters each in the query string, kept well under 8 KB. */
const KEYS_PER_CALL = 40;

/**
 * Fills `exstreamJobId` of sent on-demand communications. The on-demand answer carries no job id
 * (API notes §3, §5), but the call records a job whose `externalId` is our Idempotency-Key (inferred,
 * §5/§7; the sandbox does so). Lookups run after `sent` is recorded, never on the request path,
 * and are batched: the sends that finish together share one job-list call per store
 * (`filter=externalId:k1,k2,…`) and one UPDATE. Best effort: a failed lookup is logged and leaves
 * the job id empty; nothing is retried.
 */
export function createJobIdRecorder(ctx: Pick<EngineContext, 'exstream' | 'deliveryWriter' | 'logger'>) {
  async function lookup(items: JobIdLookup[]): Promise<boolean[]> {
    const found = new Map<string, string>();
    const byStore = new Map<string, JobIdLookup[]>();
    for (const item of items) byStore.set(item.storeId, [...(byStore.get(item.storeId) ?? []), item]);
    for (const [storeId, storeItems] of byStore) {
      try {
        const { client } = await ctx.exstream.forStore(storeId);
        for (let i = 0; i < storeItems.length; i += KEYS_PER_CALL) {
          const keys = storeItems.slice(i, i + KEYS_PER_CALL).map((item) => item.idempotencyKey);
          const { jobs } = await client.listJobs({ filter: { externalId: keys }, count: Math.min(1000, keys.length * 5) });
          let picked = pickJobPerKey(jobs, new Set(keys));
          if (picked.size === 0 && keys.length > 1) {
            // A list of externalIds in one filter is inferred (§7 lists list keys, not which): a tenant
            // that reads it as one value matches nothing, so ask key by key.
            const each = await Promise.all(keys.map((key) => client.findJobsByExternalId(key)));
            picked = pickJobPerKey(each.flat(), new Set(keys));
          }
          for (const [key, job] of picked) found.set(key, job.id);
        }
      } catch (error) {
        ctx.logger.warn('Exstream job lookup after send failed', { storeId, communications: storeItems.length, error: (error as Error).message });
      }
    }
    return Promise.all(
      items.map(async (item) => {
        const jobId = found.get(item.idempotencyKey);
        return jobId ? ctx.deliveryWriter.recordJobId({ storeId: item.storeId, communicationId: item.communicationId, jobId }) : false;
      }),
    );
  }

  const run = createGroupCommit(lookup, { maxBatch: 200, parallel: 1 });
  const pending = new Set<Promise<unknown>>();
  return {
    /** Queues a lookup; returns at once. */
    record(item: JobIdLookup): void {
      const task: Promise<unknown> = run(item)
        .catch((error: unknown) => ctx.logger.warn('recording the Exstream job id failed', { communicationId: item.communicationId, error: (error as Error).message }))
        .finally(() => pending.delete(task));
      pending.add(task);
    },
    /** Resolves when every queued lookup has finished (engine stop, tests). */
    async drain(): Promise<void> {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

/** Per key, the complete job (the document), else one still running; never a job of another key. */
export function pickJobPerKey(jobs: TExstreamJob[], keys: Set<string>): Map<string, TExstreamJob> {
  const picked = new Map<string, TExstreamJob>();
  for (const job of jobs) {
    if (!job.externalId || !keys.has(job.externalId)) continue;
    const current = picked.get(job.externalId);
    if (job.status === 'complete' && current?.status !== 'complete') picked.set(job.externalId, job);
    else if (!current && job.status !== 'error' && job.status !== 'canceled' && job.status !== 'deleted') picked.set(job.externalId, job);
  }
  return picked;
}

export type JobIdRecorder = ReturnType<typeof createJobIdRecorder>;
