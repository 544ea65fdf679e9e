import { type CallContext, readJson, unexpectedResponse } from './call-context.ts';
import type { TransportResponse } from './create-transport.ts';
import { ExstreamError, kindForStatus } from './exstream-error.ts';
import { truncate } from './parse-error-body.ts';

export type OnDemandOutput = {
  fileName: string;
  /** Without the dot, e.g. `pdf`; derived from the file name when the item has no extension field. */
  fileExtension: string;
  content: Buffer;
  statusCode: string | null;
};

/** The produced document itself (an `Accept`/`mimeType` was asked for). */
export type OnDemandBytesResult = { kind: 'bytes'; contentType: string; body: Buffer };

/** The JSON envelope `{status, data:[…]}` with each output's base64 content decoded. */
export type OnDemandEnvelopeResult = {
  kind: 'envelope';
  status: string;
  outputs: OnDemandOutput[];
  /** Set when the output went to Empower: the bare `{documentId}` answer, or an envelope item carrying it. */
  documentId?: string;
};

export type OnDemandResult = OnDemandBytesResult | OnDemandEnvelopeResult;

// [inferred] Key names of output items are unconfirmed (API notes §3, §11); these are the spellings seen.
const FILE_NAME_KEYS = ['fileName', 'filename', 'FileName', 'name', 'file'];
const EXTENSION_KEYS = ['fileExtension', 'extension', 'fileExt', 'ext', 'FileExtension'];
const CONTENT_KEYS = ['content', 'data', 'base64', 'base64Content', 'fileContent', 'Content'];
const STATUS_KEYS = ['statusCode', 'status', 'code'];

function pick(item: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (item[k] !== undefined && item[k] !== null) return item[k];
  return undefined;
}

function isJsonContentType(contentType: string): boolean {
  return /[/+]json\b/i.test(contentType);
}

function itemFailed(statusCode: string | null): boolean {
  if (statusCode === null) return false;
  const n = Number(statusCode);
  if (Number.isFinite(n)) return n >= 400;
  return /^(error|failure|failed)$/i.test(statusCode);
}

/**
 * Turns an on-demand answer into bytes or a decoded envelope. A `status:"error"`/`"failure"` envelope, or an
 * output item whose `statusCode` is 4xx/5xx, becomes an ExstreamError (kind from that status code) even on an
 * HTTP 2xx: the SDK notes Exstream keeps the data envelope for some failures.
 */
export function parseOnDemandResponse(ctx: CallContext, operation: string, response: TransportResponse): OnDemandResult {
  if (!isJsonContentType(response.contentType)) {
    return { kind: 'bytes', contentType: response.contentType || 'application/octet-stream', body: response.body };
  }
  const json = readJson(ctx, operation, response);
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw unexpectedResponse(ctx, operation, response, 'not a JSON object');
  const body = json as Record<string, unknown>;
  if (typeof body.documentId === 'string' && body.data === undefined) {
    return { kind: 'envelope', status: 'success', outputs: [], documentId: body.documentId };
  }
  const status = typeof body.status === 'string' ? body.status : 'success';
  const rawItems = Array.isArray(body.data) ? body.data : body.data && typeof body.data === 'object' ? [body.data] : [];
  const outputs: OnDemandOutput[] = [];
  for (const raw of rawItems) {
    if (!raw || typeof raw !== 'object') continue;
    const item = raw as Record<string, unknown>;
    const codeValue = pick(item, STATUS_KEYS);
    const statusCode = codeValue === undefined ? null : String(codeValue);
    const nameValue = pick(item, FILE_NAME_KEYS);
    const fileName = typeof nameValue === 'string' ? nameValue : '';
    const extValue = pick(item, EXTENSION_KEYS);
    const fileExtension =
      typeof extValue === 'string' ? extValue.replace(/^\./, '') : fileName.includes('.') ? fileName.slice(fileName.lastIndexOf('.') + 1) : '';
    const contentValue = pick(item, CONTENT_KEYS);
    const content = typeof contentValue === 'string' ? Buffer.from(contentValue, 'base64') : Buffer.alloc(0);
    outputs.push({ fileName, fileExtension, content, statusCode });
  }
  const failedItem = outputs.find((o) => itemFailed(o.statusCode));
  if (/^(error|failure|failed)$/i.test(status) || failedItem) {
    const code = Number(failedItem?.statusCode ?? NaN);
    const httpLike = Number.isFinite(code) && code >= 400 ? code : null;
    const message = typeof body.message === 'string' ? ctx.redactor.redact(body.message) : undefined;
    const detailText = failedItem && failedItem.content.length > 0 ? ctx.redactor.redact(failedItem.content.toString('utf8')) : undefined;
    const upstream = ctx.redactor.redactValue({
      status,
      ...(message ? { message: truncate(message) } : {}),
      ...(detailText ? { details: truncate(detailText) } : {}),
      ...(failedItem?.statusCode ? { errorCode: failedItem.statusCode } : {}),
    });
    return throwEnvelopeError(ctx, operation, response.status, httpLike, upstream);
  }
  // Empower output in the full envelope: an item's content is the same `{documentId}` JSON (API notes §3).
  const documentId = outputs.map(empowerDocumentId).find((id) => id !== null);
  return documentId ? { kind: 'envelope', status, outputs, documentId } : { kind: 'envelope', status, outputs };
}

function empowerDocumentId(output: OnDemandOutput): string | null {
  if (output.fileExtension.toLowerCase() !== 'json' || output.content.length > 4096) return null;
  try {
    const parsed = JSON.parse(output.content.toString('utf8')) as { documentId?: unknown };
    return typeof parsed.documentId === 'string' && parsed.documentId !== '' ? parsed.documentId : null;
  } catch {
    return null;
  }
}

function throwEnvelopeError(
  ctx: CallContext,
  operation: string,
  httpStatus: number,
  itemStatus: number | null,
  upstream: { status: string; message?: string; details?: string; errorCode?: string },
): never {
  const kind = itemStatus !== null ? kindForStatus(itemStatus) : 'server';
  throw new ExstreamError(
    ctx.redactor.redact(
      `Exstream ${operation} reported status "${upstream.status}"${itemStatus !== null ? ` (output status ${itemStatus})` : ''}${upstream.message ? `: ${truncate(upstream.message, 200)}` : ''}`,
    ),
    // Not retried by the client: with the same idempotency key Exstream would hand back this same answer.
    { kind, status: httpStatus, operation, upstream, retryable: false },
  );
}
