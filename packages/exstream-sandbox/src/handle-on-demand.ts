import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideOutcome } from './feedback-poster.ts';
import { BodyTooLargeError, header, readBody, sendBytes, sendFailure, sendJson, sendSpringError } from './http-utils.ts';
import { readDocumentView } from './read-document-view.ts';
import { missingGlyphHeader, missingGlyphWarning } from './render-document-pdf.ts';
import type { RecordedRequest } from './request-log.ts';
import {
  increment,
  isKnownChannel,
  isKnownCommunication,
  remember,
  safeFileName,
  sha256Hex,
  writeDocumentFile,
  type FulfillmentResult,
  type ProducedDocument,
  type SandboxContext,
} from './sandbox-context.ts';
import type { TokenClaims } from './token-service.ts';

export type OnDemandRequest = {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  domain: string;
  /** `generate` for the built-in service, else the HTTP input channel's service name. */
  service: string;
  claims: TokenClaims;
  entry: RecordedRequest;
};

export function wantsPdf(req: IncomingMessage): boolean {
  const accept = header(req, 'accept') ?? '';
  const mimeType = header(req, 'mimetype') ?? '';
  return /application\/pdf/i.test(accept) || /application\/pdf/i.test(mimeType);
}

function wantsJsonOnly(req: IncomingMessage): boolean {
  const accept = header(req, 'accept') ?? '';
  return /application\/json/i.test(accept) && !/\*\/\*/.test(accept);
}

/** Parses the driver data. JSON is the contract; XML or text is kept as a string so it still renders. */
function parseDriverData(req: IncomingMessage, raw: Buffer): { ok: true; data: unknown } | { ok: false; message: string } {
  const contentType = header(req, 'content-type') ?? '';
  const text = raw.toString('utf8');
  const looksJson = /^\s*[[{"]/.test(text);
  if (/json/i.test(contentType) || (contentType === '' && looksJson) || (!/xml|text/i.test(contentType) && looksJson)) {
    if (text.trim() === '') return { ok: false, message: 'Required request body is missing' };
    try {
      return { ok: true, data: JSON.parse(text) as unknown };
    } catch (err) {
      return { ok: false, message: `JSON parse error: ${(err as Error).message}` };
    }
  }
  return { ok: true, data: { input: text } };
}

/** Sandbox extension: characters drawn as U+FFFD are reported in a header (ASCII) and in JSON `warnings`. */
function warningHeaders(missingCharacters: string[]): Record<string, string> {
  return missingCharacters.length > 0 ? { 'x-sandbox-warning': missingGlyphHeader(missingCharacters) } : {};
}

function warningsField(missingCharacters: string[]): { warnings?: string[] } {
  return missingCharacters.length > 0 ? { warnings: [missingGlyphWarning(missingCharacters)] } : {};
}

function sendProduced(od: OnDemandRequest, doc: ProducedDocument): void {
  const { req, res } = od;
  const empowerUser = header(req, 'empoweruser');
  const headers = warningHeaders(doc.missingCharacters);
  if (empowerUser && doc.documentId) {
    if (wantsJsonOnly(req)) return sendJson(res, 200, { documentId: doc.documentId, ...warningsField(doc.missingCharacters) }, headers);
    const content = Buffer.from(JSON.stringify({ documentId: doc.documentId })).toString('base64');
    return sendJson(
      res,
      200,
      { status: 'success', data: [{ fileName: doc.fileName.replace(/\.pdf$/, '.json'), fileExtension: 'json', content, statusCode: '200' }], ...warningsField(doc.missingCharacters) },
      headers,
    );
  }
  if (wantsPdf(req)) {
    return sendBytes(res, 200, doc.pdf, 'application/pdf', { 'content-disposition': `inline; filename="${doc.fileName}"`, ...headers });
  }
  sendJson(
    res,
    200,
    {
      status: 'success',
      data: [{ fileName: doc.fileName, fileExtension: 'pdf', content: Buffer.from(doc.pdf).toString('base64'), statusCode: '200' }],
      ...warningsField(doc.missingCharacters),
    },
    headers,
  );
}

/**
 * `POST …/inputs/ondemand/{domain}/generate` and `POST …/inputs/ondemand/{domain}/{service}`:
 * synchronous composition of one document from the received data.
 */
export async function handleOnDemand(ctx: SandboxContext, od: OnDemandRequest): Promise<void> {
  const { req, res, path, domain, service, claims, entry } = od;
  const isGenerate = service === 'generate';
  const communicationIdHeader = header(req, 'communicationid');
  if (isGenerate) {
    for (const name of ['communicationId', 'driverDataSource']) {
      if (!header(req, name)) {
        return sendSpringError(res, 400, `Required request header '${name}' for method parameter type String is not present`, path);
      }
    }
    if (!isKnownCommunication(ctx, communicationIdHeader)) {
      return sendFailure(res, 404, `Communication '${communicationIdHeader}' not found in domain '${domain}'`);
    }
  } else if (!isKnownChannel(ctx, service)) {
    return sendFailure(res, 404, `No HTTP input channel '${service}' in domain '${domain}'`);
  }

  let raw: Buffer;
  try {
    raw = await readBody(req, ctx.options.limits.onDemandBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      entry.body = { size: null, rejected: 'too large' };
      return sendSpringError(res, 413, `Request body exceeds the limit of ${err.limit} bytes`, path, { headers: { connection: 'close' } });
    }
    throw err;
  }
  const parsed = parseDriverData(req, raw);
  entry.body = raw.length > 64 * 1024 ? { size: raw.length, truncated: true } : parsed.ok ? parsed.data : raw.toString('utf8').slice(0, 2048);
  if (!parsed.ok) return sendSpringError(res, 400, parsed.message, path);

  const key = header(req, 'idempotency-key') ?? null;
  if (key) increment(ctx.received, key);
  const scopedKey = key ? `${domain}\0${key}` : null;
  const existing = scopedKey ? ctx.onDemandByKey.get(scopedKey) : undefined;
  if (existing) {
    // If the first attempt failed, this one produces the document instead.
    const doc = await existing.catch(() => null);
    if (doc) return sendProduced(od, doc);
  }

  const production = produce(ctx, { req, domain, service, claims, raw, data: parsed.data, key, communicationIdHeader: communicationIdHeader ?? null });
  if (scopedKey) {
    remember(ctx.onDemandByKey, scopedKey, production, ctx.options.idempotencyCacheSize);
    production.catch(() => {
      if (ctx.onDemandByKey.get(scopedKey) === production) ctx.onDemandByKey.delete(scopedKey);
    });
  }
  const doc = await production;
  sendProduced(od, doc);
}

async function produce(
  ctx: SandboxContext,
  input: { req: IncomingMessage; domain: string; service: string; claims: TokenClaims; raw: Buffer; data: unknown; key: string | null; communicationIdHeader: string | null },
): Promise<ProducedDocument> {
  const view = readDocumentView(input.data);
  const sha256 = sha256Hex(input.raw);
  const { pdf, missingCharacters } = await ctx.renderer.render(input.data, {
    sha256,
    communicationId: input.communicationIdHeader ?? view.communicationId,
    templateVersion: view.templateVersion,
    generatedAt: new Date(ctx.clock()),
  });
  const job = ctx.jobs.create({
    domainId: input.domain,
    channel: input.service,
    mode: 'ONDEMAND',
    status: 'complete',
    externalId: input.key,
    triggeredBy: input.claims.uid,
    recordCount: 1,
  });
  const stem = safeFileName(`${view.documentType ?? 'document'}-${(view.reference ?? job.id.slice(0, 8)).replace(/^#/, '')}`);
  const empowerUser = header(input.req, 'empoweruser');
  const doc: ProducedDocument = { pdf, fileName: `${stem}.pdf`, jobId: job.id, documentId: empowerUser ? randomUUID() : null, sha256, missingCharacters };
  if (missingCharacters.length > 0) {
    ctx.logger.warn('document rendered with missing glyphs', { jobId: job.id, service: input.service, characters: missingCharacters });
  }
  if (doc.documentId) remember(ctx.empowerDocuments, doc.documentId, doc, ctx.options.idempotencyCacheSize);
  await writeDocumentFile(ctx, `${safeFileName(input.key ?? job.id)}.pdf`, pdf);
  if (input.key) increment(ctx.produced, input.key);
  if (ctx.feedback) {
    const outcome = decideOutcome({ email: view.recipient?.email ?? null, channel: view.channel });
    const idempotencyKey = input.key ?? view.idempotencyKey ?? job.id;
    ctx.feedback.schedule(() => [{ idempotencyKey, jobId: job.id, ...outcome }]);
  }
  ctx.logger.info('document produced', { domain: input.domain, service: input.service, jobId: job.id, bytes: pdf.byteLength });
  return doc;
}

/**
 * `POST …/inputs/fulfillment/ondemand/{domain}/fulfill` with `{documents:[documentId…]}`. A repeated
 * Idempotency-Key answers the first result (even after `preserveDocuments: false` deleted the documents).
 */
export async function handleFulfill(ctx: SandboxContext, od: Omit<OnDemandRequest, 'service'>): Promise<void> {
  const { req, res, path, domain, claims, entry } = od;
  for (const name of ['communicationId', 'driverDataSource']) {
    if (!header(req, name)) return sendSpringError(res, 400, `Required request header '${name}' for method parameter type String is not present`, path);
  }
  const communicationId = header(req, 'communicationid');
  if (!isKnownCommunication(ctx, communicationId)) {
    return sendFailure(res, 404, `Communication '${communicationId}' not found in domain '${domain}'`);
  }
  const preserve = (header(req, 'preservedocuments') ?? 'true').toLowerCase();
  if (preserve !== 'true' && preserve !== 'false') {
    return sendSpringError(res, 400, `Header 'preserveDocuments' must be true or false, got '${preserve}'`, path);
  }
  let raw: Buffer;
  try {
    raw = await readBody(req, ctx.options.limits.onDemandBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return sendSpringError(res, 413, `Request body exceeds the limit of ${err.limit} bytes`, path, { headers: { connection: 'close' } });
    throw err;
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return sendSpringError(res, 400, `JSON parse error: ${(err as Error).message}`, path);
  }
  entry.body = body;
  const ids = (body as { documents?: unknown })?.documents;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    return sendSpringError(res, 400, "Field 'documents' must be a non-empty array of document ids", path);
  }

  const key = header(req, 'idempotency-key') ?? null;
  if (key) increment(ctx.received, key);
  const scopedKey = key ? `${domain}\0${key}` : null;
  const existing = scopedKey ? ctx.fulfillByKey.get(scopedKey) : undefined;
  const first = existing ? await existing.catch(() => null) : null;
  if (first) return sendFulfillment(req, res, first);

  const docs: ProducedDocument[] = [];
  for (const id of ids as string[]) {
    const doc = ctx.empowerDocuments.get(id);
    if (!doc) return sendFailure(res, 404, `Empower document '${id}' not found in domain '${domain}'`);
    docs.push(doc);
  }
  const production = fulfil(ctx, { domain, docs, ids: ids as string[], preserve: preserve === 'true', key, uid: claims.uid });
  if (scopedKey) {
    remember(ctx.fulfillByKey, scopedKey, production, ctx.options.idempotencyCacheSize);
    production.catch(() => {
      if (ctx.fulfillByKey.get(scopedKey) === production) ctx.fulfillByKey.delete(scopedKey);
    });
  }
  sendFulfillment(req, res, await production);
}

async function fulfil(
  ctx: SandboxContext,
  input: { domain: string; docs: ProducedDocument[]; ids: string[]; preserve: boolean; key: string | null; uid: string },
): Promise<FulfillmentResult> {
  const [only] = input.docs;
  let pdf: Uint8Array;
  let fileName: string;
  if (input.docs.length === 1 && only) {
    pdf = only.pdf;
    fileName = only.fileName;
  } else {
    const { PDFDocument } = await import('pdf-lib');
    const merged = await PDFDocument.create();
    for (const doc of input.docs) {
      const source = await PDFDocument.load(doc.pdf);
      for (const page of await merged.copyPages(source, source.getPageIndices())) merged.addPage(page);
    }
    pdf = await merged.save();
    fileName = `fulfillment-${input.docs.length}-documents.pdf`;
  }
  if (!input.preserve) for (const id of input.ids) ctx.empowerDocuments.delete(id);
  const job = ctx.jobs.create({
    domainId: input.domain,
    channel: 'fulfill',
    mode: 'ONDEMAND',
    status: 'complete',
    externalId: input.key,
    triggeredBy: input.uid,
    recordCount: input.docs.length,
  });
  if (input.key) increment(ctx.produced, input.key);
  ctx.logger.info('documents fulfilled', { domain: input.domain, jobId: job.id, documents: input.docs.length, preserved: input.preserve });
  return { documents: input.docs, pdf, fileName };
}

function sendFulfillment(req: IncomingMessage, res: ServerResponse, result: FulfillmentResult): void {
  const missing = [...new Set(result.documents.flatMap((d) => d.missingCharacters))].sort();
  if (wantsPdf(req)) {
    return sendBytes(res, 200, result.pdf, 'application/pdf', { 'content-disposition': `inline; filename="${result.fileName}"`, ...warningHeaders(missing) });
  }
  sendJson(
    res,
    200,
    {
      status: 'success',
      data: result.documents.map((doc) => ({ fileName: doc.fileName, fileExtension: 'pdf', content: Buffer.from(doc.pdf).toString('base64'), statusCode: '200' })),
      ...warningsField(missing),
    },
    warningHeaders(missing),
  );
}
