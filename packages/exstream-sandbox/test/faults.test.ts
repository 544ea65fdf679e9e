import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { call, getToken, ORCH, waitForJob, withSandbox } from './helpers.ts';

describe('fault injection', () => {
  let sandbox: Sandbox;
  let token: string;
  const version = () => call(sandbox, token, `${ORCH}/version`);
  beforeAll(async () => {
    sandbox = await withSandbox({ batch: { startAfterMs: 5, completeAfterMs: 20 } });
    token = await getToken(sandbox);
  });
  afterEach(() => sandbox.faults.reset());
  afterAll(() => sandbox.close());

  it('fails the next N calls with 500 and a Spring body, then succeeds', async () => {
    sandbox.faults.failNext(2, 500);
    for (let i = 0; i < 2; i++) {
      const res = await version();
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({ status: 500, message: 'Internal Server Error', details: expect.stringContaining('RuntimeException'), timestamp: expect.any(Number) });
    }
    expect((await version()).status).toBe(200);
  });

  it('fails with 503', async () => {
    sandbox.faults.failNext(1, 503);
    expect((await version()).status).toBe(503);
    expect((await version()).status).toBe(200);
  });

  it('fails with 429 and Retry-After', async () => {
    sandbox.faults.failNext(1, 429, { retryAfterSeconds: 7 });
    const res = await version();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(((await res.json()) as { status: number }).status).toBe(429);
  });

  it('does not spend a scripted failure on an unauthenticated call or the token endpoint', async () => {
    sandbox.faults.failNext(1, 500);
    expect((await fetch(`${sandbox.url}${ORCH}/version`)).status).toBe(401);
    expect((await getToken(sandbox)).length).toBeGreaterThan(0);
    expect((await version()).status).toBe(500);
  });

  it('delays the next response (a client timeout fires) and only the next', async () => {
    sandbox.faults.delayNext(1, 3_000);
    await expect(call(sandbox, token, `${ORCH}/version`, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    expect((await version()).status).toBe(200);
  });

  it('expires every token now; a new token works', async () => {
    const old = token;
    sandbox.faults.expireTokens();
    const res = await call(sandbox, old, `${ORCH}/version`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/expired/);
    token = await getToken(sandbox);
    expect((await version()).status).toBe(200);
  });

  it('is configurable over POST /__sandbox/faults', async () => {
    // WHEN
    const res = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: { count: 1, status: 429, retryAfterSeconds: 3 }, failNextBatchJob: 'boom' }),
    });
    // THEN
    expect(res.status).toBe(200);
    const limited = await version();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    const submit = await call(sandbox, token, `${ORCH}/inputs/batch/demo/statements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{}]' });
    const { jobId } = ((await submit.json()) as { data: Array<{ jobId: string }> }).data[0]!;
    expect(await waitForJob(sandbox, token, jobId)).toMatchObject({ status: 'error', msg: 'boom' });

    // expireTokens and reset over HTTP
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ expireTokens: true }) });
    expect((await version()).status).toBe(401);
    token = await getToken(sandbox);
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ failNext: { count: 3, status: 503 } }) });
    await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ reset: true }) });
    expect((await version()).status).toBe(200);
  });

  it('rejects an invalid faults body with 400 and changes nothing', async () => {
    const res = await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify({ failNext: { count: 1, status: 418 }, expireTokens: true }) });
    expect(res.status).toBe(400);
    expect((await version()).status).toBe(200);
  });

  it('fails a share of calls with a fail rate (deterministic random)', async () => {
    const values = [0.9, 0.1, 0.9];
    const flaky = await withSandbox({ initialFaults: { failRate: 0.5, failRateStatus: 503 }, random: () => values.shift() ?? 0.9 });
    try {
      const t = await getToken(flaky);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await call(flaky, t, `${ORCH}/version`)).status);
      expect(statuses).toEqual([200, 503, 200]);
    } finally {
      await flaky.close();
    }
  });
});
