import { z } from 'zod';
import { type CallContext, orchestrationUrl, parseInput, readJson, seg, unexpectedResponse, unwrapData } from './call-context.ts';
import type { CallOptions } from './generate.ts';
import { type TExstreamJob, ZExstreamJob } from './schemas.ts';

/** `GET …/api/v1/runtime/{domain}/jobs/{id}` → the job (`{status, data: Job}` unwrapped). */
export async function getJob(ctx: CallContext, id: string, options: CallOptions = {}): Promise<TExstreamJob> {
  const jobId = parseInput(z.string().trim().min(1), id, 'job id');
  const response = await ctx.transport.send({
    operation: 'getJob',
    method: 'GET',
    url: orchestrationUrl(ctx, `/runtime/${seg(ctx.config.domain)}/jobs/${seg(jobId)}`),
    headers: { Accept: 'application/json' },
    auth: ctx.auth,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  const parsed = ZExstreamJob.safeParse(unwrapData(readJson(ctx, 'getJob', response)));
  if (!parsed.success) throw unexpectedResponse(ctx, 'getJob', response, 'not a Job object');
  return parsed.data;
}
