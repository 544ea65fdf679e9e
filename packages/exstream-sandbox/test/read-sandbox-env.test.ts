import { describe, expect, it } from 'vitest';
import { readSandboxEnv, SandboxEnvError } from '../src/read-sandbox-env.ts';
import { startSandbox } from '../src/start-sandbox.ts';
import { call, getToken, ORCH, waitForJob } from './helpers.ts';

describe('readSandboxEnv', () => {
  it('defaults to port 4010, client sandbox / sandbox-secret, domain demo, no faults', () => {
    const { options } = readSandboxEnv({});
    expect(options).toMatchObject({
      port: 4010,
      clients: [{ clientId: 'sandbox', clientSecret: 'sandbox-secret' }],
      domains: ['demo'],
      tokenTtlSeconds: 900,
      dataDir: '.data',
      initialFaults: { delayMs: 0, failRate: 0, failRateStatus: 503 },
    });
    expect(options.feedback).toBeUndefined();
    // no one-shot faults, no tenant binding, no XSRF, and any channel
    expect(options.initialFaults).toEqual({ delayMs: 0, failRate: 0, failRateStatus: 503 });
    expect(options.domainTenants).toBeUndefined();
    expect(options.xsrf).toBeUndefined();
    expect(options.channels).toBeUndefined();
  });

  it('maps fail-next-N with status and Retry-After, a failing next batch job and a token expiry after start', () => {
    const { options } = readSandboxEnv({
      EXSTREAM_SANDBOX_FAIL_NEXT_COUNT: '3',
      EXSTREAM_SANDBOX_FAIL_NEXT_STATUS: '429',
      EXSTREAM_SANDBOX_FAIL_NEXT_RETRY_AFTER_SECONDS: '4',
      EXSTREAM_SANDBOX_FAIL_NEXT_BATCH: 'Flow step failed',
      EXSTREAM_SANDBOX_EXPIRE_TOKENS_AFTER_MS: '60000',
    });
    expect(options.initialFaults).toEqual({
      delayMs: 0,
      failRate: 0,
      failRateStatus: 503,
      failNext: { count: 3, status: 429, retryAfterSeconds: 4 },
      failNextBatchJob: 'Flow step failed',
      expireTokensAfterMs: 60_000,
    });
    // the status defaults to 500, without Retry-After
    expect(readSandboxEnv({ EXSTREAM_SANDBOX_FAIL_NEXT_COUNT: '1' }).options.initialFaults?.failNext).toEqual({ count: 1, status: 500 });
  });

  it('maps tenants, channels, XSRF and the batch record memory budget', () => {
    const { options } = readSandboxEnv({
      EXSTREAM_SANDBOX_DOMAINS: 'demo,other',
      EXSTREAM_SANDBOX_TENANT: 'acme',
      EXSTREAM_SANDBOX_DOMAIN_TENANTS: 'other = globex',
      EXSTREAM_SANDBOX_CHANNELS: 'orders, statements',
      EXSTREAM_SANDBOX_REQUIRE_XSRF: 'true',
      EXSTREAM_SANDBOX_XSRF_HEADER: 'X-CSRF-TOKEN',
      EXSTREAM_SANDBOX_BATCH_RECORD_MEMORY_BYTES: '1048576',
    });
    expect(options).toMatchObject({
      domains: ['demo', 'other'],
      tenant: 'acme',
      domainTenants: { other: 'globex' },
      channels: ['orders', 'statements'],
      xsrf: { cookieName: 'XSRF-TOKEN', headerName: 'X-CSRF-TOKEN' },
      batchRecordMemoryBytes: 1_048_576,
    });
  });

  it('rejects bad fault and tenant values, naming each variable', () => {
    let error: unknown;
    try {
      readSandboxEnv({ EXSTREAM_SANDBOX_FAIL_NEXT_COUNT: '-1', EXSTREAM_SANDBOX_FAIL_NEXT_STATUS: '418', EXSTREAM_SANDBOX_EXPIRE_TOKENS_AFTER_MS: 'soon', EXSTREAM_SANDBOX_DOMAIN_TENANTS: 'demo' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SandboxEnvError);
    for (const name of ['FAIL_NEXT_COUNT', 'FAIL_NEXT_STATUS', 'EXPIRE_TOKENS_AFTER_MS', 'DOMAIN_TENANTS']) expect((error as Error).message).toContain(`EXSTREAM_SANDBOX_${name}`);
  });

  it('requires a catalog in strict mode', () => {
    expect(() => readSandboxEnv({ EXSTREAM_SANDBOX_STRICT: 'true' })).toThrow(/EXSTREAM_SANDBOX_CATALOG: required when EXSTREAM_SANDBOX_STRICT/);
  });

  it('starts a sandbox whose env faults act once: N failures with Retry-After, one failed batch job, tokens expired after start', async () => {
    // GIVEN the options the CLI would build
    const { options } = readSandboxEnv({
      EXSTREAM_SANDBOX_PORT: '0',
      EXSTREAM_SANDBOX_DATA_DIR: 'none',
      EXSTREAM_SANDBOX_FAIL_NEXT_COUNT: '2',
      EXSTREAM_SANDBOX_FAIL_NEXT_STATUS: '429',
      EXSTREAM_SANDBOX_FAIL_NEXT_RETRY_AFTER_SECONDS: '9',
      EXSTREAM_SANDBOX_FAIL_NEXT_BATCH: 'env says fail',
      EXSTREAM_SANDBOX_EXPIRE_TOKENS_AFTER_MS: '1500',
      EXSTREAM_SANDBOX_BATCH_START_MS: '5',
      EXSTREAM_SANDBOX_BATCH_COMPLETE_MS: '10',
    });
    const startingAt = Date.now();
    const sandbox = await startSandbox(options);
    // The expiry timer is set while starting: it fires between startingAt + 1500 and readyAt + 1500.
    const readyAt = Date.now();
    try {
      const token = await getToken(sandbox);
      // THEN the first two calls get 429 with Retry-After: 9, the third succeeds
      const first = await call(sandbox, token, `${ORCH}/version`);
      expect([first.status, first.headers.get('retry-after')]).toEqual([429, '9']);
      expect((await call(sandbox, token, `${ORCH}/version`)).status).toBe(429);
      expect((await call(sandbox, token, `${ORCH}/version`)).status).toBe(200);
      // the first batch job ends in error with the env message, the next completes
      const submit = async () =>
        ((await (await call(sandbox, token, `${ORCH}/inputs/batch/demo/s`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{}]' })).json()) as { data: Array<{ jobId: string }> }).data[0]!.jobId;
      expect(await waitForJob(sandbox, token, await submit())).toMatchObject({ status: 'error', msg: 'env says fail' });
      expect((await waitForJob(sandbox, token, await submit())).status).toBe('complete');
      // the token issued before the expiry stops working; a new one works
      // (1.5 s leaves the steps above time on a loaded machine before the token expires)
      expect(Date.now() - startingAt).toBeLessThan(1500);
      // Node fires timers in deadline order, so this one runs after the expiry.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, readyAt + 1550 - Date.now())));
      const expired = await call(sandbox, token, `${ORCH}/version`);
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as { message: string }).message).toMatch(/expired/);
      expect((await call(sandbox, await getToken(sandbox), `${ORCH}/version`)).status).toBe(200);
      // reset() does not re-arm the one-shot start-up faults
      sandbox.faults.reset();
      expect((await call(sandbox, await getToken(sandbox), `${ORCH}/version`)).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });

  it('maps faults, strict catalog, feedback and data dir', () => {
    const { options } = readSandboxEnv({
      EXSTREAM_SANDBOX_PORT: '0',
      EXSTREAM_SANDBOX_FAIL_RATE: '0.25',
      EXSTREAM_SANDBOX_FAIL_STATUS: '429',
      EXSTREAM_SANDBOX_DELAY_MS: '300',
      EXSTREAM_SANDBOX_STRICT: 'true',
      EXSTREAM_SANDBOX_CATALOG: 'comm-a=Order confirmation, comm-b',
      EXSTREAM_SANDBOX_DATA_DIR: 'none',
      EXSTREAM_SANDBOX_FEEDBACK_URL: 'http://127.0.0.1:3000/feedback',
      EXSTREAM_SANDBOX_FEEDBACK_SECRET: 's3cret',
    });
    expect(options).toMatchObject({
      port: 0,
      strict: true,
      catalog: [
        { communicationId: 'comm-a', name: 'Order confirmation' },
        { communicationId: 'comm-b', name: 'comm-b' },
      ],
      dataDir: null,
      initialFaults: { delayMs: 300, failRate: 0.25, failRateStatus: 429 },
      feedback: { url: 'http://127.0.0.1:3000/feedback', secret: 's3cret' },
    });
  });

  it('names every invalid variable at once', () => {
    let error: unknown;
    try {
      readSandboxEnv({ EXSTREAM_SANDBOX_PORT: 'abc', EXSTREAM_SANDBOX_FAIL_RATE: '2' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SandboxEnvError);
    expect((error as Error).message).toContain('EXSTREAM_SANDBOX_PORT');
    expect((error as Error).message).toContain('EXSTREAM_SANDBOX_FAIL_RATE');
  });

  it('requires a secret with a feedback URL', () => {
    expect(() => readSandboxEnv({ EXSTREAM_SANDBOX_FEEDBACK_URL: 'http://127.0.0.1:1/x' })).toThrow(/FEEDBACK_SECRET/);
  });
});
