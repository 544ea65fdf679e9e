import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { orderConfirmationData } from './fixtures.ts';
import { call, generate, getToken, ORCH, withSandbox } from './helpers.ts';

describe('Idempotency-Key', () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await withSandbox({ batch: { startAfterMs: 10, completeAfterMs: 30 } });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  it('returns the same PDF bytes for a repeated on-demand call and produces one document', async () => {
    // WHEN the same call is made twice with one key
    const first = Buffer.from(await (await generate(sandbox, token, orderConfirmationData(), { accept: 'application/pdf', 'Idempotency-Key': 'od-1' })).arrayBuffer());
    const second = Buffer.from(await (await generate(sandbox, token, orderConfirmationData(), { accept: 'application/pdf', 'Idempotency-Key': 'od-1' })).arrayBuffer());
    // THEN
    expect(Buffer.compare(first, second)).toBe(0);
    expect(sandbox.countByIdempotencyKey()['od-1']).toBe(1);
    expect(sandbox.receivedByIdempotencyKey()['od-1']).toBe(2);
    const jobs = (await (await call(sandbox, token, `${ORCH}/runtime/demo/jobs?filter=externalId:od-1`)).json()) as { data: unknown[] };
    expect(jobs.data).toHaveLength(1);
  });

  it('serves the first document in the format the repeat asks for', async () => {
    const pdf = Buffer.from(await (await generate(sandbox, token, orderConfirmationData(), { accept: 'application/pdf', 'Idempotency-Key': 'od-2' })).arrayBuffer());
    const envelope = (await (await generate(sandbox, token, orderConfirmationData(), { 'Idempotency-Key': 'od-2' })).json()) as { data: Array<{ content: string }> };
    expect(Buffer.compare(Buffer.from(envelope.data[0]!.content, 'base64'), pdf)).toBe(0);
  });

  it('produces one document for concurrent calls with the same key', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => generate(sandbox, token, orderConfirmationData(), { accept: 'application/pdf', 'Idempotency-Key': 'od-concurrent' })),
    );
    const bodies = await Promise.all(responses.map(async (r) => Buffer.from(await r.arrayBuffer())));
    expect(new Set(bodies.map((b) => b.toString('base64'))).size).toBe(1);
    expect(sandbox.countByIdempotencyKey()['od-concurrent']).toBe(1);
  });

  it('produces a new document for a new key', async () => {
    await generate(sandbox, token, orderConfirmationData(), { 'Idempotency-Key': 'od-3' });
    await generate(sandbox, token, orderConfirmationData(), { 'Idempotency-Key': 'od-4' });
    expect(sandbox.countByIdempotencyKey()).toMatchObject({ 'od-3': 1, 'od-4': 1 });
  });

  it('produces a new document for each identical call without a key', async () => {
    type JobPage = { data: Array<{ id: string; externalId: string | null }>; page: { totalElements: number } };
    const onDemandJobs = async () => (await (await call(sandbox, token, `${ORCH}/runtime/demo/jobs?filter=mode:ONDEMAND&count=1000`)).json()) as JobPage;
    const before = await onDemandJobs();
    const keysBefore = sandbox.countByIdempotencyKey();
    // WHEN the same data is sent twice without an Idempotency-Key
    const responses = [];
    for (let i = 0; i < 2; i++) responses.push(await generate(sandbox, token, orderConfirmationData(), { accept: 'application/pdf' }));
    // THEN both succeed, and each produced its own document (job), neither remembered under a key
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(responses.every((r) => r.headers.get('content-type') === 'application/pdf')).toBe(true);
    const after = await onDemandJobs();
    expect(after.page.totalElements).toBe(before.page.totalElements + 2);
    const known = new Set(before.data.map((j) => j.id));
    const added = after.data.filter((j) => !known.has(j.id));
    expect(added).toHaveLength(2);
    expect(added.every((j) => j.externalId === null)).toBe(true);
    expect(sandbox.requests().filter((r) => r.path.endsWith('/generate')).slice(-2).map((r) => r.idempotencyKey)).toEqual([null, null]);
    expect(sandbox.countByIdempotencyKey()).toEqual(keysBefore);
  });

  it('does not remember a failed attempt: the retry produces the document', async () => {
    sandbox.faults.failNext(1, 500);
    expect((await generate(sandbox, token, orderConfirmationData(), { 'Idempotency-Key': 'od-retry' })).status).toBe(500);
    expect(sandbox.countByIdempotencyKey()['od-retry']).toBeUndefined();
    expect((await generate(sandbox, token, orderConfirmationData(), { 'Idempotency-Key': 'od-retry' })).status).toBe(200);
    expect(sandbox.countByIdempotencyKey()['od-retry']).toBe(1);
  });

  it('returns the same jobId for a repeated batch submission and keeps the key as externalId', async () => {
    const submit = () =>
      call(sandbox, token, `${ORCH}/inputs/batch/demo/statements`, { method: 'POST', headers: { 'content-type': 'application/json', 'Idempotency-Key': 'batch-1' }, body: '[{"a":1},{"a":2}]' });
    const a = (await (await submit()).json()) as { data: Array<{ jobId: string; id: string }> };
    const second = await submit();
    expect(second.status).toBe(201);
    const b = (await second.json()) as { data: Array<{ jobId: string; id: string }> };
    expect(b.data[0]).toEqual(a.data[0]);
    expect(sandbox.countByIdempotencyKey()['batch-1']).toBe(1);
    const list = (await (await call(sandbox, token, `${ORCH}/runtime/demo/jobs?filter=externalId:batch-1`)).json()) as { data: Array<{ id: string; externalId: string }> };
    expect(list.data).toEqual([expect.objectContaining({ id: a.data[0]!.jobId, externalId: 'batch-1' })]);
  });

  it('forgets the oldest keys past idempotencyCacheSize (bounded memory)', async () => {
    const small = await withSandbox({ idempotencyCacheSize: 2 });
    try {
      const t = await getToken(small);
      for (const key of ['k1', 'k2', 'k3', 'k1']) await generate(small, t, orderConfirmationData(), { 'Idempotency-Key': key });
      expect(small.countByIdempotencyKey()).toEqual({ k1: 2, k2: 1, k3: 1 });
    } finally {
      await small.close();
    }
  });
});
