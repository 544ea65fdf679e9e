import { z } from 'zod';
import { type CallContext, inputHeaders, orchestrationUrl, parseInput, seg } from './call-context.ts';
import { type OnDemandResult, parseOnDemandResponse } from './parse-on-demand-response.ts';

export const ZGenerateInput = z.object({
  /** UUID of the communication in Exstream Design. */
  communicationId: z.string().trim().min(1),
  /** The communication's driver DSN (`prodDsn` from the communication set's manifest). */
  driverDataSource: z.string().trim().min(1),
  /** When set, Exstream sends the output to Empower (Interactive) as this user. */
  empowerUser: z.string().trim().min(1).optional(),
  /** The driver data: our document data contract JSON. */
  data: z.unknown().refine((d) => d !== undefined, 'is required'),
  /**
   * `pdf` asks for the raw PDF (`Accept: application/pdf`); `envelope` for the JSON envelope of all outputs;
   * `json` (`Accept: application/json`) for the bare `{documentId}` answer of an Empower output (with `empowerUser`).
   */
  accept: z.enum(['pdf', 'envelope', 'json']).default('pdf'),
  idempotencyKey: z.string(),
});
export type TGenerateInput = z.input<typeof ZGenerateInput>;

export type CallOptions = {
  /** Aborts the call (combined with the timeout); the caller's reason is rethrown and nothing is retried. */
  signal?: AbortSignal;
  /** Per-attempt timeout for this call, overriding the config. */
  timeoutMs?: number;
};

const ACCEPT = { pdf: 'application/pdf', envelope: '*/*', json: 'application/json' } as const;

/** Synchronous built-in generate: `POST …/api/v1/inputs/ondemand/{domain}/generate` (API notes §3). */
export async function generate(ctx: CallContext, rawInput: TGenerateInput, options: CallOptions = {}): Promise<OnDemandResult> {
  const input = parseInput(ZGenerateInput, rawInput, 'Exstream generate input');
  const headers: Record<string, string> = {
    ...inputHeaders(ctx, input.idempotencyKey),
    communicationId: input.communicationId,
    driverDataSource: input.driverDataSource,
    // Exstream answers the full envelope for no Accept or */*; application/json would mean "just the documentId".
    Accept: ACCEPT[input.accept],
  };
  if (input.empowerUser) headers.empowerUser = input.empowerUser;
  const json = JSON.stringify(input.data);
  const response = await ctx.transport.send({
    operation: 'generate',
    method: 'POST',
    url: orchestrationUrl(ctx, `/inputs/ondemand/${seg(ctx.config.domain)}/generate`),
    headers,
    body: { kind: 'replayable', contentType: 'application/json', make: () => json },
    auth: ctx.auth,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  return parseOnDemandResponse(ctx, 'generate', response);
}
