import { z } from 'zod';
import { type CallContext, parseInput } from './call-context.ts';
import { ExstreamError } from './exstream-error.ts';
import { getJob } from './get-job.ts';
import { EXSTREAM_TERMINAL_JOB_STATUSES, type TExstreamJob } from './schemas.ts';

const MAX_POLLS = 10_000;

export const ZWaitForJobOptions = z.object({
  /** Overall budget for the wait, polls included. */
  deadlineMs: z.number().int().min(1),
  initialDelayMs: z.number().int().min(0).default(500),
  /** Polls slow down ×2 up to this (OpenText's own samples poll every 30 s). */
  maxDelayMs: z.number().int().min(1).default(30_000),
});
export type TWaitForJobOptions = z.input<typeof ZWaitForJobOptions> & { signal?: AbortSignal; timeoutMs?: number };

/**
 * Polls a job until it reaches a terminal status (complete | error | canceled | deleted) and returns it; the
 * caller decides what `error` means. Past the deadline → ExstreamError kind `timeout` (retryable: the job may
 * still finish; poll again later).
 */
export async function waitForJob(ctx: CallContext, id: string, rawOptions: TWaitForJobOptions): Promise<TExstreamJob> {
  const { signal, timeoutMs, ...rest } = rawOptions;
  const callOptions = { ...(signal ? { signal } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
  const options = parseInput(ZWaitForJobOptions, rest, 'waitForJob options');
  const deadline = ctx.deps.now() + options.deadlineMs;
  let delay = options.initialDelayMs;
  let last: TExstreamJob | null = null;
  // Bounded in count as well as time, so a clock that does not advance (a test double) cannot spin forever.
  for (let poll = 0; poll < MAX_POLLS; poll += 1) {
    last = await getJob(ctx, id, callOptions);
    if (EXSTREAM_TERMINAL_JOB_STATUSES.includes(last.status)) return last;
    const remaining = deadline - ctx.deps.now();
    if (remaining <= 0) break;
    await ctx.deps.sleep(Math.min(delay, remaining), signal);
    delay = Math.min(options.maxDelayMs, Math.max(1, delay * 2));
    // The next iteration polls once more even when this wait reached the deadline: the job may just have ended.
  }
  if (!last) throw new Error('unreachable: waitForJob polled nothing');
  throw new ExstreamError(`Exstream job ${id} is still "${last.status}" after ${options.deadlineMs} ms`, {
    kind: 'timeout',
    status: null,
    operation: 'waitForJob',
    upstream: { status: last.status, ...(last.msg ? { message: last.msg } : {}) },
    retryable: true,
  });
}
