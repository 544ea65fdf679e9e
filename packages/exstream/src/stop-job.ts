import { z } from 'zod';
import { type CallContext, orchestrationUrl, parseInput, seg } from './call-context.ts';
import type { CallOptions } from './generate.ts';

/** `POST …/api/v1/runtime/{domain}/jobs/{id}/stop`: asks Exstream to cancel the job (it answers with text). */
export async function stopJob(ctx: CallContext, id: string, options: CallOptions = {}): Promise<void> {
  const jobId = parseInput(z.string().trim().min(1), id, 'job id');
  await ctx.transport.send({
    operation: 'stopJob',
    method: 'POST',
    url: orchestrationUrl(ctx, `/runtime/${seg(ctx.config.domain)}/jobs/${seg(jobId)}/stop`),
    headers: { Accept: '*/*' },
    auth: ctx.auth,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
}
