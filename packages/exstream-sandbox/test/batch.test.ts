import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { call, getJob, getToken, ORCH, waitForJob, withSandbox } from './helpers.ts';

type Submit = { status: string; data: Array<{ jobId: string; id: string }> };

function statement(i: number): Record<string, unknown> {
  return {
    documentType: 'statement',
    brand: 'Bank Łódzki',
    currency: 'EUR',
    recipient: { name: `Klient ${i}`, email: `client${i}@example.com` },
    documentNumber: `ST-${i}`,
    meta: { communicationId: 'comm-statement', templateVersion: '1', idempotencyKey: `st-${i}` },
  };
}

describe('batch jobs', () => {
  let sandbox: Sandbox;
  let token: string;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'exstream-batch-'));
    sandbox = await withSandbox({ dataDir, batch: { startAfterMs: 20, completeAfterMs: 80 } });
    token = await getToken(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const submit = (body: string, headers: Record<string, string> = {}, service = 'statements') =>
    call(sandbox, token, `${ORCH}/inputs/batch/demo/${service}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('accepts a JSON array with 201 and runs the job to complete', async () => {
    // WHEN
    const res = await submit(JSON.stringify([statement(1), statement(2), statement(3)]));
    // THEN
    expect(res.status).toBe(201);
    const body = (await res.json()) as Submit;
    expect(body.status).toBe('success');
    const { jobId, id } = body.data[0]!;
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe(jobId);
    const first = await getJob(sandbox, token, jobId);
    expect(['waiting', 'started']).toContain(first.status);
    expect(first.endDate).toBeNull();
    const done = await waitForJob(sandbox, token, jobId);
    expect(done).toMatchObject({ status: 'complete', mode: 'BATCH', channel: 'statements', recordCount: 3 });
    expect(done.endDate).toBeGreaterThanOrEqual(done.startDate);
  });

  it('accepts NDJSON and keeps per-record outputs', async () => {
    const res = await submit([1, 2, 3, 4].map((i) => JSON.stringify(statement(i))).join('\n'), { 'content-type': 'application/x-ndjson' });
    const { jobId } = ((await res.json()) as Submit).data[0]!;
    await waitForJob(sandbox, token, jobId);
    const records = (await (await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${jobId}/records?offset=1&count=2`)).json()) as {
      data: Array<{ index: number; idempotencyKey: string; documentType: string; documentUrl: string }>;
      page: { totalElements: number };
    };
    expect(records.page.totalElements).toBe(4);
    expect(records.data.map((r) => r.idempotencyKey)).toEqual(['st-2', 'st-3']);
    // The PDF of one record is rendered on request from the stored record.
    const pdf = await call(sandbox, token, records.data[0]!.documentUrl);
    expect(pdf.status).toBe(200);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await pdf.arrayBuffer())), { mergePages: true });
    expect(text).toContain('Klient 2');
    expect(text).toContain('Bank Łódzki');
    expect(await readdir(path.join(dataDir, 'documents'))).toContain(`batch-${jobId}.ndjson`);
  });

  it('writes a record PDF under <dataDir>/documents on first GET after the job completes, and serves it from there', async () => {
    // GIVEN a completed job whose records include a pretty-printed one (stored re-serialised on one line)
    const pretty = JSON.stringify(statement(22), null, 2);
    const res = await submit(`[${JSON.stringify(statement(21))},${pretty},${JSON.stringify(statement(23))}]`);
    const { jobId } = ((await res.json()) as Submit).data[0]!;
    expect((await waitForJob(sandbox, token, jobId)).status).toBe('complete');
    // WHEN record 1 is fetched twice
    const url = `${ORCH}/runtime/demo/jobs/${jobId}/records/1/document`;
    const first = await call(sandbox, token, url);
    // THEN it is that record's document, written to disk, and the second answer is the stored file
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await first.arrayBuffer());
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
    expect(text).toContain('Klient 22');
    expect(text).not.toContain('Klient 21');
    const file = path.join(dataDir, 'documents', `batch-${jobId}-1.pdf`);
    expect(Buffer.compare(await readFile(file), bytes)).toBe(0);
    expect(Buffer.compare(Buffer.from(await (await call(sandbox, token, url)).arrayBuffer()), bytes)).toBe(0);
    // and the last record reads correctly too (byte offsets of the NDJSON lines)
    const last = await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${jobId}/records/2/document`);
    expect((await extractText(await getDocumentProxy(new Uint8Array(await last.arrayBuffer())), { mergePages: true })).text).toContain('Klient 23');
    expect((await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${jobId}/records/3/document`)).status).toBe(404);
  });

  it('stream-parses a large NDJSON body sent in chunks', async () => {
    // GIVEN 5,000 records streamed 500 at a time
    const total = 5_000;
    let sent = 0;
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close();
        let chunk = '';
        for (let k = 0; k < 500; k++, sent++) chunk += `${JSON.stringify(statement(sent))}\n`;
        controller.enqueue(encoder.encode(chunk));
      },
    });
    // WHEN
    const res = await call(sandbox, token, `${ORCH}/inputs/batch/demo/statements`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
      duplex: 'half',
    } as RequestInit);
    // THEN
    expect(res.status).toBe(201);
    const { jobId } = ((await res.json()) as Submit).data[0]!;
    expect((await waitForJob(sandbox, token, jobId)).recordCount).toBe(total);
    const last = (await (await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${jobId}/records?offset=${total - 1}&count=10`)).json()) as { data: Array<{ idempotencyKey: string }> };
    expect(last.data.map((r) => r.idempotencyKey)).toEqual([`st-${total - 1}`]);
  });

  it('ends in error with msg when the next batch job is told to fail', async () => {
    sandbox.faults.failNextBatchJob('Flow step "compose" failed: template missing');
    const { jobId } = ((await (await submit(JSON.stringify([statement(9)]))).json()) as Submit).data[0]!;
    const done = await waitForJob(sandbox, token, jobId);
    expect(done.status).toBe('error');
    expect(done.msg).toBe('Flow step "compose" failed: template missing');
    // only the next one
    const { jobId: next } = ((await (await submit(JSON.stringify([statement(10)]))).json()) as Submit).data[0]!;
    expect((await waitForJob(sandbox, token, next)).status).toBe('complete');
  });

  it('answers 400 for a malformed batch body and creates no job', async () => {
    const before = (await (await call(sandbox, token, `${ORCH}/runtime/demo/jobs?count=1`)).json()) as { page: { totalElements: number } };
    const res = await submit('[{"ok":1},{"broken":]');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/Record 1/);
    const after = (await (await call(sandbox, token, `${ORCH}/runtime/demo/jobs?count=1`)).json()) as { page: { totalElements: number } };
    expect(after.page.totalElements).toBe(before.page.totalElements);
  });

  it('answers 404 for an unknown job id and an unknown domain', async () => {
    expect((await call(sandbox, token, `${ORCH}/runtime/demo/jobs/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
    const res = await call(sandbox, token, `${ORCH}/runtime/elsewhere/jobs`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { status: string }).status).toBe('failure');
  });
});

describe('batch record outputs without a data dir', () => {
  const pdfTextOf = async (res: Response) => (await extractText(await getDocumentProxy(new Uint8Array(await res.arrayBuffer())), { mergePages: true })).text;
  const submitTo = (sandbox: Sandbox, token: string, records: unknown[]) =>
    call(sandbox, token, `${ORCH}/inputs/batch/demo/statements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(records) });

  it('keeps records in memory: listing links and GET of a record document after the job completes', async () => {
    const sandbox = await withSandbox({ dataDir: null, batch: { startAfterMs: 10, completeAfterMs: 40 } });
    try {
      const token = await getToken(sandbox);
      const { jobId } = ((await (await submitTo(sandbox, token, [statement(1), statement(2)])).json()) as Submit).data[0]!;
      expect((await waitForJob(sandbox, token, jobId)).status).toBe('complete');
      const list = (await (await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${jobId}/records`)).json()) as { data: Array<{ documentUrl: string | null }> };
      expect(list.data.map((r) => r.documentUrl)).toEqual([0, 1].map((i) => `${ORCH}/runtime/demo/jobs/${jobId}/records/${i}/document`));
      const res = await call(sandbox, token, list.data[1]!.documentUrl!);
      expect(res.status).toBe(200);
      const text = await pdfTextOf(res);
      expect(text).toContain('Klient 2');
      expect(text).toContain('Bank Łódzki');
    } finally {
      await sandbox.close();
    }
  });

  it('answers 409 while the job runs and 404 once it ended in error', async () => {
    const sandbox = await withSandbox({ dataDir: null, batch: { startAfterMs: 10, completeAfterMs: 60_000 } });
    try {
      const token = await getToken(sandbox);
      const { jobId } = ((await (await submitTo(sandbox, token, [statement(1)])).json()) as Submit).data[0]!;
      const running = await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${jobId}/records/0/document`);
      expect(running.status).toBe(409);
      expect(((await running.json()) as { message: string }).message).toMatch(/once it is complete/);
      await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${jobId}/stop`, { method: 'POST' });
      const canceled = await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${jobId}/records/0/document`);
      expect(canceled.status).toBe(404);
      expect(((await canceled.json()) as { message: string }).message).toMatch(/ended canceled/);
    } finally {
      await sandbox.close();
    }
  });

  it('drops the oldest jobs\' records past the memory budget and says why', async () => {
    // GIVEN a budget that holds about one small job
    const one = JSON.stringify(statement(1)).length * 2;
    const sandbox = await withSandbox({ dataDir: null, batchRecordMemoryBytes: one * 3, batch: { startAfterMs: 5, completeAfterMs: 10 } });
    try {
      const token = await getToken(sandbox);
      const older = ((await (await submitTo(sandbox, token, [statement(1), statement(2)])).json()) as Submit).data[0]!.jobId;
      const newer = ((await (await submitTo(sandbox, token, [statement(3), statement(4)])).json()) as Submit).data[0]!.jobId;
      await waitForJob(sandbox, token, older);
      await waitForJob(sandbox, token, newer);
      // THEN the newer job's records are served, the older job's are gone with a reason
      expect(await pdfTextOf(await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${newer}/records/1/document`))).toContain('Klient 4');
      const dropped = await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${older}/records/0/document`);
      expect(dropped.status).toBe(404);
      expect(((await dropped.json()) as { message: string }).message).toMatch(/batchRecordMemoryBytes/);
      const list = (await (await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${older}/records`)).json()) as { data: Array<{ documentUrl: string | null }> };
      expect(list.data.map((r) => r.documentUrl)).toEqual([null, null]);
    } finally {
      await sandbox.close();
    }
  });
});

describe('job list, filter, paging and stop', () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    // Jobs stay in progress long enough to stop them; the test never waits for that time.
    sandbox = await withSandbox({ batch: { startAfterMs: 10, completeAfterMs: 60_000 } });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  const submit = (key: string) =>
    call(sandbox, token, `${ORCH}/inputs/batch/demo/statements`, { method: 'POST', headers: { 'content-type': 'application/json', 'Idempotency-Key': key }, body: '[{"a":1}]' });
  const list = async (query: string) =>
    (await (await call(sandbox, token, `${ORCH}/runtime/demo/jobs?${query}`)).json()) as {
      status: string;
      data: Array<{ id: string; externalId: string; status: string; mode: string }>;
      page: { pageSize: number; pageOffset: number; totalElements: number; totalPages: number; currentPageNumber: number };
    };

  it('pages, filters by mode, status and externalId, and stops a job', async () => {
    // GIVEN 5 batch jobs and one on-demand job
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(((await (await submit(`list-key:${i}`)).json()) as Submit).data[0]!.jobId);
    await call(sandbox, token, `${ORCH}/inputs/ondemand/demo/generate`, { method: 'POST', headers: { communicationId: 'c', driverDataSource: 'd', 'content-type': 'application/json' }, body: '{}' });

    // WHEN paging through BATCH jobs two at a time
    const page2 = await list('filter=mode:BATCH&offset=2&count=2');
    // THEN
    expect(page2.status).toBe('success');
    expect(page2.page).toEqual({ pageSize: 2, pageOffset: 2, totalElements: 5, totalPages: 3, currentPageNumber: 1 });
    expect(page2.data).toHaveLength(2);
    expect(page2.data.every((j) => j.mode === 'BATCH')).toBe(true);
    expect((await list('filter=mode:ONDEMAND')).page.totalElements).toBe(1);

    // externalId values may contain ':'
    const byKey = await list('filter=externalId:list-key:3');
    expect(byKey.data.map((j) => j.id)).toEqual([ids[3]]);

    // WHEN stopping one
    const stop = await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${ids[0]}/stop`, { method: 'POST' });
    expect(stop.status).toBe(200);
    expect((await getJob(sandbox, token, ids[0]!)).status).toBe('canceled');
    // THEN status filters see it, and a second stop is a conflict
    const canceled = await list('filter=statuses:canceled,error;mode:BATCH');
    expect(canceled.data.map((j) => j.id)).toEqual([ids[0]]);
    const again = await call(sandbox, token, `${ORCH}/runtime/demo/jobs/${ids[0]}/stop`, { method: 'POST' });
    expect(again.status).toBe(409);
  });
});
