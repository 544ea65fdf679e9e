import { z } from 'zod';
import { type CallContext, inputHeaders, orchestrationUrl, parseInput, seg } from './call-context.ts';
import type { CallOptions } from './generate.ts';
import { type OnDemandResult, parseOnDemandResponse } from './parse-on-demand-response.ts';

export const ZFulfillInput = z.object({
  /** UUID of the fulfillment communication. */
  communicationId: z.string().trim().min(1),
  /** That communication's driver DSN. */
  driverDataSource: z.string().trim().min(1),
  /** Empower document ids, as returned by `generate` with an `empowerUser` (`documentId`). */
  documents: z.array(z.string().trim().min(1)).min(1).max(1000),
  /** `false` asks Exstream to delete the documents from Empower once fulfilled. */
  preserveDocuments: z.boolean().default(true),
  /** `pdf` asks for the raw PDF (`Accept: application/pdf`); `envelope` for the JSON envelope of all outputs. */
  accept: z.enum(['pdf', 'envelope']).default('pdf'),
  idempotencyKey: z.string(),
});
export type TFulfillInput = z.input<typeof ZFulfillInput>;

/**
 * Empower fulfillment, synchronous: `POST …/api/v1/inputs/fulfillment/ondemand/{domain}/fulfill` with
 * `{documents:[…]}` (API notes §4). Same two response modes as `generate`.
 */
export async function fulfill(ctx: CallContext, rawInput: TFulfillInput, options: CallOptions = {}): Promise<OnDemandResult> {
  const input = parseInput(ZFulfillInput, rawInput, 'Exstream fulfill input');
  const headers: Record<string, string> = {
    ...inputHeaders(ctx, input.idempotencyKey),
    communicationId: input.communicationId,
    driverDataSource: input.driverDataSource,
    preserveDocuments: String(input.preserveDocuments),
    Accept: input.accept === 'pdf' ? 'application/pdf' : '*/*',
  };
  const json = JSON.stringify({ documents: input.documents });
  const response = await ctx.transport.send({
    operation: 'fulfill',
    method: 'POST',
    url: orchestrationUrl(ctx, `/inputs/fulfillment/ondemand/${seg(ctx.config.domain)}/fulfill`),
    headers,
    body: { kind: 'replayable', contentType: 'application/json', make: () => json },
    auth: ctx.auth,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  return parseOnDemandResponse(ctx, 'fulfill', response);
}
