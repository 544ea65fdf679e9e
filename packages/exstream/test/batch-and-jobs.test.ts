import { describe, expect, it } from 'vitest';
import { createExstreamClient, encodeJobFilter, isExstreamError } from '../src/index.ts';
import { baseConfig, createFakeClock, createFakeFetch, json, TOKEN_URL, tokenResponse } from './helpers/fake-fetch.ts';

const JOB_ID = '6f9c1b9e-1111-4000-8000-000000000001';
const created = () => json({ status: 'success', data: [{ jobId: JOB_ID, id: 'fi-1' }] }, 201);
const apiCalls = (fetch: { calls: { url: URL }[] }) => fetch.calls.filter((c) => c.url.href !== TOKEN_URL);

function job(status: string, extra: Record<string, unknown> = {}) {
  return { id: JOB_ID, domainId: 'demo', channel: 'statements', mode: 'BATCH', status, startDate: 1_700_000_000_000, ...extra };
}

describe('submitBatch', () => {
  it('posts a string body and reads data[0].jobId from the 201', async () => {
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : created()));
    const client = createExstreamClient(baseConfig(), { fetch });
    const result = await client.submitBatch({ service: 'statements', body: '[{"a":1}]', idempotencyKey: 'batch-1' });
    expect(result).toEqual({ jobId: JOB_ID, id: 'fi-1' });
    const call = apiCalls(fetch)[0] as (typeof fetch.calls)[number];
    expect(call.url.pathname).toBe('/orchestration/api/v1/inputs/batch/demo/statements');
    expect(call.headers.get('Idempotency-Key')).toBe('batch-1');
    expect(call.headers.get('content-type')).toBe('application/json');
    expect(call.body).toBe('[{"a":1}]');
  });

  it.each([
    ['application/json', (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ account: i })))],
    ['application/x-ndjson', (n: number) => Array.from({ length: n }, (_, i) => `${JSON.stringify({ account: i })}\n`).join('')],
  ] as const)('streams an array of records as %s and re-streams it on a retry', async (contentType, expected) => {
    // GIVEN 1,234 records and a server that fails the first submit with 503
    const records = Array.from({ length: 1234 }, (_, i) => ({ account: i }));
    let n = 0;
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : n++ === 0 ? json({}, 503) : created()));
    const clock = createFakeClock();
    const client = createExstreamClient(baseConfig(), { fetch, sleep: clock.sleep });
    // WHEN
    await client.submitBatch({ service: 'statements', body: records, contentType, idempotencyKey: 'b-2' });
    // THEN both attempts carried the whole body, streamed
    const calls = apiCalls(fetch) as typeof fetch.calls;
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.streamed).toBe(true);
      expect(call.duplex).toBe('half');
      expect(call.body).toBe(expected(1234));
      expect(call.headers.get('content-type')).toBe(contentType);
    }
  });

  it('streams an async iterable without buffering and never resends it', async () => {
    // GIVEN a generator that counts how far it was pulled, and a server that answers 500
    let pulled = 0;
    async function* statements() {
      for (let i = 0; i < 3; i += 1) {
        pulled += 1;
        yield `${JSON.stringify({ account: i })}\n`;
      }
    }
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : json({ status: 500, message: 'boom' }, 500)));
    const clock = createFakeClock();
    const client = createExstreamClient(baseConfig(), { fetch, sleep: clock.sleep });
    // WHEN
    const error = await client
      .submitBatch({ service: 'statements', body: statements(), contentType: 'application/x-ndjson', idempotencyKey: 'b-3' })
      .catch((e: unknown) => e);
    // THEN one attempt, sent as a stream, and the caller is told it may resubmit with the same key
    const calls = apiCalls(fetch) as typeof fetch.calls;
    expect(calls).toHaveLength(1);
    expect(calls[0]?.streamed).toBe(true);
    expect(calls[0]?.body).toBe('{"account":0}\n{"account":1}\n{"account":2}\n');
    expect(pulled).toBe(3);
    expect(isExstreamError(error) && error.kind).toBe('server');
    expect(isExstreamError(error) && error.retryable).toBe(true);
    expect(clock.sleeps).toEqual([]);
  });

  it('after a 401 on a streamed body drops the token and tells the caller to resubmit', async () => {
    // GIVEN a server that rejects the first bearer
    let tokens = 0;
    const fetch = createFakeFetch((call) => {
      if (call.url.href === TOKEN_URL) return tokenResponse(`tok-${(tokens += 1)}`);
      return call.headers.get('authorization') === 'Bearer tok-1' ? json({ status: 401, error: 'Unauthorized' }, 401) : created();
    });
    const client = createExstreamClient(baseConfig(), { fetch });
    async function* body() {
      yield '{"a":1}\n';
    }
    // WHEN a stream is submitted: no resend is possible
    const error = await client
      .submitBatch({ service: 's', body: body(), contentType: 'application/x-ndjson', idempotencyKey: 'b-5' })
      .catch((e: unknown) => e);
    expect(isExstreamError(error) && error.kind).toBe('auth');
    expect(isExstreamError(error) && error.retryable).toBe(true);
    expect(apiCalls(fetch)).toHaveLength(1);
    // THEN the caller's resubmission with the same key uses a fresh token and succeeds
    const result = await client.submitBatch({ service: 's', body: body(), contentType: 'application/x-ndjson', idempotencyKey: 'b-5' });
    expect(result.jobId).toBe(JOB_ID);
    expect(fetch.calls.at(-1)?.headers.get('authorization')).toBe('Bearer tok-2');
  });

  it('gives submitBatch the longer batch timeout, and any call a per-call timeout', async () => {
    // GIVEN a server that answers only when aborted, and a 20 ms client timeout
    const hang = (signal: AbortSignal | undefined) =>
      new Promise<Response>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
    const fetch = createFakeFetch((call, signal) => (call.url.href === TOKEN_URL ? tokenResponse() : hang(signal)));
    const client = createExstreamClient(baseConfig({ timeoutMs: 20, batchTimeoutMs: 40, retry: { maxAttempts: 1 } }), { fetch });
    // THEN each call reports the timeout it ran under
    await expect(client.submitBatch({ service: 's', body: '[]', idempotencyKey: 'b-6' })).rejects.toThrow('timed out after 40 ms');
    await expect(client.getJob(JOB_ID, { timeoutMs: 30 })).rejects.toThrow('timed out after 30 ms');
    await expect(client.getJob(JOB_ID)).rejects.toThrow('timed out after 20 ms');
  });

  it('reports a 201 without jobId as an unexpected response', async () => {
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : json({ status: 'success' }, 201)));
    const client = createExstreamClient(baseConfig(), { fetch });
    const error = await client.submitBatch({ service: 's', body: '[]', idempotencyKey: 'b-4' }).catch((e: unknown) => e);
    expect(isExstreamError(error) && error.message).toContain('data[0].jobId');
  });
});

describe('jobs', () => {
  it('gets a job and unwraps the data envelope', async () => {
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : json({ status: 'success', data: job('started', { traceId: 't' }) })));
    const client = createExstreamClient(baseConfig(), { fetch });
    const result = await client.getJob(JOB_ID);
    expect(result).toMatchObject({ id: JOB_ID, status: 'started', mode: 'BATCH', traceId: 't' });
    expect(apiCalls(fetch)[0]?.url.pathname).toBe(`/orchestration/api/v1/runtime/demo/jobs/${JOB_ID}`);
  });

  it('waits for a job with growing poll intervals until it completes', async () => {
    // GIVEN waiting, started, started, complete
    const statuses = ['waiting', 'started', 'started', 'complete'];
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : json({ status: 'success', data: job(statuses.shift() ?? 'complete') })));
    const clock = createFakeClock();
    const client = createExstreamClient(baseConfig(), { fetch, now: clock.now, sleep: clock.sleep });
    // WHEN
    const done = await client.waitForJob(JOB_ID, { deadlineMs: 60_000, initialDelayMs: 100, maxDelayMs: 300 });
    // THEN
    expect(done.status).toBe('complete');
    expect(clock.sleeps).toEqual([100, 200, 300]);
  });

  it('returns a job that ended in error (the caller decides) with its msg', async () => {
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : json({ status: 'success', data: job('error', { msg: 'bad record 7' }) })));
    const client = createExstreamClient(baseConfig(), { fetch });
    const done = await client.waitForJob(JOB_ID, { deadlineMs: 1000 });
    expect(done).toMatchObject({ status: 'error', msg: 'bad record 7' });
  });

  it('throws a retryable timeout error when the deadline passes', async () => {
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : json({ status: 'success', data: job('started') })));
    const clock = createFakeClock();
    const client = createExstreamClient(baseConfig(), { fetch, now: clock.now, sleep: clock.sleep });
    const error = await client.waitForJob(JOB_ID, { deadlineMs: 1000, initialDelayMs: 300, maxDelayMs: 1000 }).catch((e: unknown) => e);
    expect(isExstreamError(error)).toBe(true);
    if (!isExstreamError(error)) return;
    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(true);
    expect(error.upstream.status).toBe('started');
    // 300 + 600 + the remaining 100, then a final look
    expect(clock.sleeps).toEqual([300, 600, 100]);
    expect(apiCalls(fetch)).toHaveLength(4);
  });

  it('lists jobs with an encoded filter and paging and returns the page block', async () => {
    const page = { pageSize: 2, pageOffset: 2, totalElements: 5, totalPages: 3, currentPageNumber: 2 };
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : json({ status: 'success', data: [job('complete'), job('error')], page })));
    const client = createExstreamClient(baseConfig(), { fetch });
    const result = await client.listJobs({ filter: { mode: 'BATCH', statuses: ['complete', 'error'] }, offset: 2, count: 2 });
    expect(result.jobs.map((j) => j.status)).toEqual(['complete', 'error']);
    expect(result.page).toEqual(page);
    const url = apiCalls(fetch)[0]!.url;
    expect(url.pathname).toBe('/orchestration/api/v1/runtime/demo/jobs');
    expect(url.searchParams.get('filter')).toBe('mode:BATCH;statuses:complete,error');
    expect(url.searchParams.get('offset')).toBe('2');
    expect(url.searchParams.get('count')).toBe('2');
  });

  it('finds jobs by external id (the idempotency key)', async () => {
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : json({ status: 'success', data: [job('complete', { externalId: 'comm-7:1' })] })));
    const client = createExstreamClient(baseConfig(), { fetch });
    const jobs = await client.findJobsByExternalId('comm-7:1');
    expect(jobs).toHaveLength(1);
    expect(apiCalls(fetch)[0]!.url.searchParams.get('filter')).toBe('externalId:comm-7:1');
  });

  it('rejects filter values that would break the filter syntax', async () => {
    const fetch = createFakeFetch(() => json({}));
    const client = createExstreamClient(baseConfig(), { fetch });
    await expect(client.listJobs({ filter: { externalId: 'a;b' } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(fetch.calls).toHaveLength(0);
    expect(encodeJobFilter({ ids: ['1', '2'], channel: 'x' })).toBe('ids:1,2;channel:x');
  });

  it('stops a job', async () => {
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : new Response('Job stopped', { status: 200 })));
    const client = createExstreamClient(baseConfig(), { fetch });
    await client.stopJob(JOB_ID);
    const call = apiCalls(fetch)[0] as (typeof fetch.calls)[number];
    expect(call.method).toBe('POST');
    expect(call.url.pathname).toBe(`/orchestration/api/v1/runtime/demo/jobs/${JOB_ID}/stop`);
  });

  it('reads the version, bare or wrapped', async () => {
    const version = { apiIdentifier: 'orch', major: 25, minor: 2, patch: 1, versionString: '25.2.1', details: { appName: 'orchestration' } };
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : json({ status: 'success', data: version })));
    const client = createExstreamClient(baseConfig(), { fetch });
    expect(await client.getVersion()).toEqual(version);
    expect(apiCalls(fetch)[0]!.url.pathname).toBe('/orchestration/api/v1/version');
  });
});
