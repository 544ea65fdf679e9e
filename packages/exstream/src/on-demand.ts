import { z } from 'zod';
import { type CallContext, inputHeaders, orchestrationUrl, parseInput, seg } from './call-context.ts';
import type { CallOptions } from './generate.ts';
import { type OnDemandResult, parseOnDemandResponse } from './parse-on-demand-response.ts';

export const ZOnDemandInput = z.object({
  /** The HTTP input channel (service) name defined in the flow context. */
  service: z.string().trim().min(1).max(255),
  /** Objects are sent as JSON; strings and bytes as they are, with `contentType`. */
  body: z.unknown().refine((b) => b !== undefined, 'is required'),
  contentType: z.string().min(1).optional(),
  /** e.g. `application/pdf`: sent as the `mimeType` header and as `Accept` (API notes §5, inferred). */
  mimeType: z.string().min(1).optional(),
  idempotencyKey: z.string(),
});
export type TOnDemandInput = z.input<typeof ZOnDemandInput>;

/** HTTP input channel, synchronous: `POST …/api/v1/inputs/ondemand/{domain}/{service}`. */
export async function onDemand(ctx: CallContext, rawInput: TOnDemandInput, options: CallOptions = {}): Promise<OnDemandResult> {
  const input = parseInput(ZOnDemandInput, rawInput, 'Exstream on-demand input');
  const headers: Record<string, string> = { ...inputHeaders(ctx, input.idempotencyKey), Accept: input.mimeType ?? '*/*' };
  if (input.mimeType) headers.mimeType = input.mimeType;
  const raw = input.body;
  const payload: string | Uint8Array = typeof raw === 'string' || raw instanceof Uint8Array ? raw : JSON.stringify(raw);
  const contentType = input.contentType ?? (typeof raw === 'string' || raw instanceof Uint8Array ? 'application/octet-stream' : 'application/json');
  const response = await ctx.transport.send({
    operation: `onDemand:${input.service}`,
    method: 'POST',
    url: orchestrationUrl(ctx, `/inputs/ondemand/${seg(ctx.config.domain)}/${seg(input.service)}`),
    headers,
    body: { kind: 'replayable', contentType, make: () => payload },
    auth: ctx.auth,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  return parseOnDemandResponse(ctx, `onDemand:${input.service}`, response);
}
