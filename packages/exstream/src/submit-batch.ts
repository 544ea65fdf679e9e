import { z } from 'zod';
import { type CallContext, inputHeaders, orchestrationUrl, parseInput, readJson, seg, unexpectedResponse } from './call-context.ts';
import type { TransportBody } from './create-transport.ts';
import type { CallOptions } from './generate.ts';

export type BatchBody = string | Uint8Array | unknown[] | AsyncIterable<Uint8Array | string>;

export const ZSubmitBatchInput = z.object({
  service: z.string().trim().min(1).max(255),
  body: z.custom<BatchBody>(
    (b) => typeof b === 'string' || b instanceof Uint8Array || Array.isArray(b) || (b != null && typeof b === 'object' && Symbol.asyncIterator in b),
    'must be a string, bytes, an array of records or an async iterable of chunks',
  ),
  contentType: z.enum(['application/json', 'application/x-ndjson']).default('application/json'),
  idempotencyKey: z.string(),
});
export type TSubmitBatchInput = z.input<typeof ZSubmitBatchInput>;

export type SubmitBatchResult = { jobId: string; id: string | null };

/** Records per chunk when streaming an array: keeps memory flat for 100,000-record statement runs. */
const RECORDS_PER_CHUNK = 500;

function arrayStream(records: unknown[], format: 'application/json' | 'application/x-ndjson'): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const json = format === 'application/json';
  let index = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const parts: string[] = [];
      if (!started && json) parts.push('[');
      started = true;
      const end = Math.min(records.length, index + RECORDS_PER_CHUNK);
      for (; index < end; index += 1) {
        const line = JSON.stringify(records[index] ?? null);
        parts.push(json ? (index > 0 ? `,${line}` : line) : `${line}\n`);
      }
      if (index >= records.length) {
        if (json) parts.push(']');
        if (parts.length > 0) controller.enqueue(encoder.encode(parts.join('')));
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(parts.join('')));
    },
  });
}

function iterableStream(source: AsyncIterable<Uint8Array | string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) {
        controller.close();
        return;
      }
      controller.enqueue(typeof next.value === 'string' ? encoder.encode(next.value) : next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function toTransportBody(body: BatchBody, contentType: 'application/json' | 'application/x-ndjson'): TransportBody {
  if (typeof body === 'string' || body instanceof Uint8Array) return { kind: 'replayable', contentType, make: () => body };
  // An array is in memory already, so it can be re-streamed on a retry.
  if (Array.isArray(body)) return { kind: 'replayable', contentType, make: () => arrayStream(body, contentType) };
  return { kind: 'stream', contentType, stream: iterableStream(body) };
}

/**
 * Batch input: `POST …/api/v1/inputs/batch/{domain}/{service}` → 201 `{data:[{jobId, id}]}` (API notes §5).
 * An async-iterable body is streamed, never buffered, and therefore never retried here: on a retryable error
 * the caller resubmits with the SAME idempotency key, or reconciles with `findJobsByExternalId`.
 */
export async function submitBatch(ctx: CallContext, rawInput: TSubmitBatchInput, options: CallOptions = {}): Promise<SubmitBatchResult> {
  const input = parseInput(ZSubmitBatchInput, rawInput, 'Exstream batch input');
  const operation = `submitBatch:${input.service}`;
  const response = await ctx.transport.send({
    operation,
    method: 'POST',
    url: orchestrationUrl(ctx, `/inputs/batch/${seg(ctx.config.domain)}/${seg(input.service)}`),
    headers: { ...inputHeaders(ctx, input.idempotencyKey), Accept: 'application/json' },
    body: toTransportBody(input.body, input.contentType),
    auth: ctx.auth,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? ctx.config.batchTimeoutMs,
  });
  const json = readJson(ctx, operation, response) as { data?: unknown } | null;
  const data = json && typeof json === 'object' ? json.data : undefined;
  const first = (Array.isArray(data) ? data[0] : data) as { jobId?: unknown; id?: unknown } | undefined;
  if (!first || typeof first.jobId !== 'string') throw unexpectedResponse(ctx, operation, response, 'no data[0].jobId');
  return { jobId: first.jobId, id: typeof first.id === 'string' ? first.id : null };
}
