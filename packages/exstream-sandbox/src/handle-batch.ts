import { randomUUID } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, readFile, unlink, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { once } from 'node:events';
import { decideOutcome } from './feedback-poster.ts';
import { BodyTooLargeError, header, sendBytes, sendFailure, sendJson, sendSpringError } from './http-utils.ts';
import { TERMINAL_JOB_STATUSES } from './job-store.ts';
import { BatchParseError, parseBatchRecords } from './parse-batch-records.ts';
import { readDocumentView } from './read-document-view.ts';
import { missingGlyphHeader } from './render-document-pdf.ts';
import type { RecordedRequest } from './request-log.ts';
import { increment, isKnownChannel, remember, sha256Hex, type BatchData, type BatchRecordSummary, type SandboxContext } from './sandbox-context.ts';
import type { TokenClaims } from './token-service.ts';

export type BatchRequest = {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  domain: string;
  service: string;
  claims: TokenClaims;
  entry: RecordedRequest;
};

function summarise(index: number, text: string, value: unknown): BatchRecordSummary {
  const view = readDocumentView(value);
  const hasMeta = typeof value === 'object' && value !== null && 'meta' in value;
  return {
    index,
    sha256: sha256Hex(text),
    bytes: Buffer.byteLength(text),
    idempotencyKey: view.idempotencyKey,
    communicationId: view.communicationId,
    documentType: view.documentType,
    reference: view.reference,
    // Feedback only for records a caller can correlate: those with their own key or a meta block.
    feedback:
      view.idempotencyKey || hasMeta
        ? { idempotencyKey: view.idempotencyKey ?? '', jobId: null, ...decideOutcome({ email: view.recipient?.email ?? null, channel: view.channel }) }
        : null,
  };
}

/**
 * `POST …/inputs/batch/{domain}/{service}`: stream-parses a JSON array or NDJSON body, keeps one
 * small summary per record (and the raw record on disk), answers 201 and runs the job on timers.
 */
export async function handleBatchSubmit(ctx: SandboxContext, br: BatchRequest): Promise<void> {
  const { req, res, domain, service, entry } = br;
  if (!isKnownChannel(ctx, service)) {
    return sendFailure(res, 404, `No HTTP input channel '${service}' in domain '${domain}'`);
  }
  const key = header(req, 'idempotency-key') ?? null;
  if (key) increment(ctx.received, key);
  const scopedKey = key ? `${domain}\0${key}` : null;
  const existing = scopedKey ? ctx.batchByKey.get(scopedKey) : undefined;
  if (existing) {
    const first = await existing.catch(() => null);
    if (first) {
      req.resume(); // the repeated body is not needed: the first job stands
      entry.body = { size: Number(header(req, 'content-length') ?? 0) || null, repeatOf: first.jobId };
      return sendJson(res, 201, { status: 'success', data: [first] });
    }
  }
  const submission = submit(ctx, br, key);
  if (scopedKey) {
    const result = submission.then((r) => {
      if (!r.ok) throw new Error('batch submission failed');
      return r.data;
    });
    result.catch(() => {
      if (ctx.batchByKey.get(scopedKey) === result) ctx.batchByKey.delete(scopedKey);
    });
    remember(ctx.batchByKey, scopedKey, result, ctx.options.idempotencyCacheSize);
  }
  const outcome = await submission;
  if (outcome.ok) return sendJson(res, 201, { status: 'success', data: [outcome.data] });
  sendSpringError(res, outcome.status, outcome.message, br.path, outcome.status === 413 ? { headers: { connection: 'close' } } : {});
}

async function submit(
  ctx: SandboxContext,
  br: BatchRequest,
  key: string | null,
): Promise<{ ok: true; data: { jobId: string; id: string } } | { ok: false; status: 400 | 413; message: string }> {
  const { req, domain, service, claims, entry } = br;
  const jobId = randomUUID();
  const records: BatchRecordSummary[] = [];
  let file: string | null = null;
  let out: WriteStream | null = null;
  let size = 0;
  const lineOffsets: number[] = [];
  let written = 0;
  if (ctx.options.documentsDir) {
    await mkdir(ctx.options.documentsDir, { recursive: true });
    file = path.join(ctx.options.documentsDir, `batch-${jobId}.ndjson`);
    out = createWriteStream(file);
  } else {
    ctx.batchRecords.begin(jobId);
  }
  try {
    for await (const record of parseBatchRecords(req, { limitBytes: ctx.options.limits.batchBytes })) {
      size += Buffer.byteLength(record.text);
      records.push(summarise(record.index, record.text, record.value));
      // One line per record; JSON.stringify re-serialises pretty-printed input onto a single line.
      const line = record.text.includes('\n') ? JSON.stringify(record.value) : record.text;
      if (out) {
        lineOffsets.push(written);
        written += Buffer.byteLength(line) + 1;
        if (!out.write(`${line}\n`)) await once(out, 'drain');
      } else {
        ctx.batchRecords.append(jobId, line);
      }
    }
    if (out) {
      lineOffsets.push(written);
      out.end();
      await once(out, 'finish');
    }
  } catch (err) {
    out?.destroy();
    if (file) await unlink(file).catch(() => undefined);
    ctx.batchRecords.delete(jobId);
    entry.body = { size, records: records.length, rejected: (err as Error).message };
    if (err instanceof BodyTooLargeError) {
      req.resume();
      return { ok: false, status: 413, message: err.message };
    }
    if (err instanceof BatchParseError) return { ok: false, status: 400, message: `JSON parse error: ${err.message}` };
    throw err;
  }
  entry.body = { size, records: records.length };

  const batch: BatchData = { records, file, lineOffsets, flowInstanceId: randomUUID(), errorMessage: ctx.faults.takeBatchJobError() };
  ctx.batches.set(jobId, batch);
  const job = ctx.jobs.create({ id: jobId, domainId: domain, channel: service, mode: 'BATCH', status: 'waiting', externalId: key, triggeredBy: claims.uid, recordCount: records.length });
  if (key) increment(ctx.produced, key);
  ctx.later(ctx.options.batch.startAfterMs, () => ctx.jobs.transition(job.id, 'started'));
  ctx.later(Math.max(ctx.options.batch.completeAfterMs, ctx.options.batch.startAfterMs), () => {
    if (batch.errorMessage) {
      ctx.jobs.transition(job.id, 'error', batch.errorMessage);
      return;
    }
    const done = ctx.jobs.transition(job.id, 'complete', `${records.length} record(s) processed`);
    if (done && ctx.feedback) {
      ctx.feedback.schedule(function* () {
        for (const r of records) {
          if (r.feedback) yield { ...r.feedback, idempotencyKey: r.feedback.idempotencyKey || `${key ?? job.id}#${r.index}`, jobId: job.id };
        }
      });
    }
  });
  ctx.logger.info('batch job accepted', { domain, service, jobId, records: records.length });
  return { ok: true, data: { jobId, id: batch.flowInstanceId } };
}

const jobNotFound = (res: ServerResponse, domain: string, id: string) => sendFailure(res, 404, `Job '${id}' not found in domain '${domain}'`);

export function handleGetJob(ctx: SandboxContext, res: ServerResponse, domain: string, id: string): void {
  const job = ctx.jobs.get(domain, id);
  if (!job) return jobNotFound(res, domain, id);
  sendJson(res, 200, { status: 'success', data: job });
}

export function handleListJobs(ctx: SandboxContext, res: ServerResponse, domain: string, query: URLSearchParams): void {
  const int = (name: string) => {
    const v = query.get(name);
    return v === null || v === '' || !Number.isFinite(Number(v)) ? undefined : Math.trunc(Number(v));
  };
  sendJson(res, 200, ctx.jobs.list(domain, { filter: query.get('filter'), offset: int('offset'), count: int('count'), sort: query.get('sort'), fetchDeleted: query.get('fetchDeleted') === 'true' }));
}

/** `POST …/jobs/{id}/stop`: text body like the real service; 409 once the job already finished. */
export function handleStopJob(ctx: SandboxContext, res: ServerResponse, domain: string, id: string): void {
  const job = ctx.jobs.get(domain, id);
  if (!job) return jobNotFound(res, domain, id);
  if (TERMINAL_JOB_STATUSES.has(job.status)) return sendFailure(res, 409, `Job '${id}' is already ${job.status}`);
  ctx.jobs.transition(id, 'canceled', 'Stopped by user');
  sendBytes(res, 200, Buffer.from(`Job ${id} stopped`), 'text/plain; charset=utf-8');
}

export function handleDeleteJob(ctx: SandboxContext, res: ServerResponse, domain: string, id: string): void {
  const job = ctx.jobs.get(domain, id);
  if (!job) return jobNotFound(res, domain, id);
  if (!TERMINAL_JOB_STATUSES.has(job.status)) return sendFailure(res, 409, `Job '${id}' is still ${job.status}`);
  job.status = 'deleted';
  sendJson(res, 200, { status: 'success', message: `Job ${id} deleted` });
}

/** Sandbox extension: the per-record outputs of a batch job, as a page of summaries. */
export function handleListRecords(ctx: SandboxContext, res: ServerResponse, domain: string, id: string, query: URLSearchParams): void {
  const job = ctx.jobs.get(domain, id);
  const batch = ctx.batches.get(id);
  if (!job || !batch) return jobNotFound(res, domain, id);
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const count = Math.min(1000, Math.max(1, Number(query.get('count') ?? 100) || 100));
  const base = `/orchestration/api/v1/runtime/${encodeURIComponent(domain)}/jobs/${id}/records`;
  const kept = batch.file !== null || ctx.batchRecords.droppedReason(id) === null;
  sendJson(res, 200, {
    status: 'success',
    data: batch.records.slice(offset, offset + count).map(({ feedback, ...r }) => ({
      ...r,
      outcome: feedback?.outcome ?? null,
      channel: feedback?.channel ?? null,
      documentUrl: kept ? `${base}/${r.index}/document` : null,
    })),
    page: {
      pageSize: count,
      pageOffset: offset,
      totalElements: batch.records.length,
      totalPages: Math.ceil(batch.records.length / count),
      currentPageNumber: Math.floor(offset / count),
    },
  });
}

/** Reads record `index` of a batch from its NDJSON file (one positioned read) or from memory. */
async function readRecord(ctx: SandboxContext, id: string, batch: BatchData, index: number): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  if (!batch.file) return ctx.batchRecords.get(id, index);
  const start = batch.lineOffsets[index];
  const end = batch.lineOffsets[index + 1];
  if (start === undefined || end === undefined) return { ok: false, reason: `record ${index} not found` };
  const handle = await open(batch.file, 'r');
  try {
    const buffer = Buffer.alloc(end - start - 1);
    await handle.read(buffer, 0, buffer.length, start);
    return { ok: true, text: buffer.toString('utf8') };
  } finally {
    await handle.close();
  }
}

/**
 * A batch record's PDF: rendered on the first request (batches never render every record up front),
 * then, with a data dir, written to `<dataDir>/documents/batch-<jobId>-<index>.pdf` and served from there.
 * Outputs exist once the job is complete, as with a real flow's output step.
 */
export async function handleRecordDocument(ctx: SandboxContext, res: ServerResponse, domain: string, id: string, index: number): Promise<void> {
  const job = ctx.jobs.get(domain, id);
  const batch = ctx.batches.get(id);
  if (!job || !batch) return jobNotFound(res, domain, id);
  const summary = batch.records[index];
  if (!summary) return sendFailure(res, 404, `Record ${index} not found in job '${id}'`);
  if (job.status === 'waiting' || job.status === 'started' || job.status === 'holding') {
    return sendFailure(res, 409, `Job '${id}' is still ${job.status}: record outputs exist once it is complete`);
  }
  if (job.status !== 'complete') return sendFailure(res, 404, `Job '${id}' ended ${job.status}: it produced no record outputs`);
  const fileName = `batch-${id}-${index}.pdf`;
  const pdfFile = ctx.options.documentsDir ? path.join(ctx.options.documentsDir, fileName) : null;
  const headers = { 'content-disposition': `inline; filename="${fileName}"` };
  if (pdfFile) {
    const stored = await readFile(pdfFile).catch(() => null);
    if (stored) return sendBytes(res, 200, stored, 'application/pdf', headers);
  }
  const record = await readRecord(ctx, id, batch, index);
  if (!record.ok) return sendFailure(res, 404, `Record ${index} of job '${id}': ${record.reason}`);
  const data = JSON.parse(record.text) as unknown;
  const view = readDocumentView(data);
  const { pdf, missingCharacters } = await ctx.renderer.render(data, { sha256: summary.sha256, communicationId: view.communicationId, templateVersion: view.templateVersion });
  if (missingCharacters.length > 0) ctx.logger.warn('document rendered with missing glyphs', { jobId: id, record: index, characters: missingCharacters });
  if (pdfFile) {
    await writeFile(pdfFile, pdf).catch((err: unknown) => ctx.logger.warn('could not write document file', { name: fileName, error: (err as Error).message }));
  }
  sendBytes(res, 200, pdf, 'application/pdf', { ...headers, ...(missingCharacters.length > 0 ? { 'x-sandbox-warning': missingGlyphHeader(missingCharacters) } : {}) });
}
