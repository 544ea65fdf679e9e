import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@exstream-connect/exstream-sandbox';
import { createExstreamClient, isExstreamError, type TExstreamClientConfigInput } from '../../src/index.ts';
import { createMemoryLogger } from '../helpers/fake-fetch.ts';

/**
 * The client against the real sandbox over loopback HTTP. Waits that the client would do (retry backoff,
 * Retry-After) go through an injected sleep that records and returns at once, so no test depends on wall time.
 */
let sandbox: Sandbox;

const DATA = {
  documentType: 'order_confirmation',
  brand: 'Acme',
  locale: 'de-DE',
  currency: 'EUR',
  recipient: { name: 'Zoë Łukasiewicz', email: 'zoe@example.com' },
  lines: [{ sku: 'A-1', name: 'Teapot', quantity: 1, unitPrice: 20, total: 20 }],
  totals: { grandTotal: 20 },
  delivery: { channel: 'email' },
  meta: { communicationId: 'comm-1', templateVersion: '3', idempotencyKey: 'x' },
};

function config(overrides: Partial<TExstreamClientConfigInput> = {}): TExstreamClientConfigInput {
  return {
    baseUrl: sandbox.url,
    domain: sandbox.domain,
    auth: { tokenUrl: sandbox.tokenUrl, clientId: 'sandbox', clientSecret: 'sandbox-secret' },
    retry: { maxAttempts: 4, baseDelayMs: 50, maxDelayMs: 500 },
    timeoutMs: 10_000,
    ...overrides,
  };
}

function recordingSleep() {
  const sleeps: number[] = [];
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) };
}

const isTokenPath = (path: string) => /oauth2\/token$/.test(path);
const tokenRequests = () => sandbox.requests().filter((r) => isTokenPath(r.path));
const apiRequests = (suffix: string) => sandbox.requests().filter((r) => r.path.endsWith(suffix));

let keySeq = 0;
const key = (label: string) => `${label}-${Date.now()}-${(keySeq += 1)}`;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, dataDir: null, tokenTtlSeconds: 900, batch: { startAfterMs: 20, completeAfterMs: 80 } });
});
afterAll(async () => {
  await sandbox.close();
});
beforeEach(() => {
  sandbox.faults.reset();
  sandbox.clearRequests();
});

describe('client ↔ sandbox contract', () => {
  it('getVersion returns the VersionConfig', async () => {
    const version = await createExstreamClient(config()).getVersion();
    expect(version.versionString).toMatch(/^\d+\.\d+\.\d+/);
    expect(apiRequests('/orchestration/api/v1/version')).toHaveLength(1);
  });

  it('reuses one token across calls and refreshes it before expiry', async () => {
    // GIVEN a 2 s token and a client clock we move
    const short = await startSandbox({ port: 0, dataDir: null, tokenTtlSeconds: 2 });
    try {
      let now = Date.now();
      const client = createExstreamClient(
        { ...config(), baseUrl: short.url, auth: { tokenUrl: short.tokenUrl, clientId: 'sandbox', clientSecret: 'sandbox-secret' } },
        { now: () => now },
      );
      // WHEN three calls inside the first half of its life
      for (let i = 0; i < 3; i += 1) await client.getVersion();
      expect(short.requests().filter((r) => isTokenPath(r.path))).toHaveLength(1);
      // WHEN past half its life (the skew is capped at half a short token's life)
      now += 1_500;
      await client.getVersion();
      // THEN exactly one more token request, and every call succeeded
      const paths = short.requests().map((r) => (isTokenPath(r.path) ? 'token' : r.status));
      expect(paths).toEqual(['token', 200, 200, 200, 'token', 200]);
    } finally {
      await short.close();
    }
  });

  it('survives a token expiring mid-session with exactly one refresh and retry', async () => {
    const client = createExstreamClient(config());
    await client.getVersion();
    // WHEN the server expires every token
    sandbox.faults.expireTokens();
    const version = await client.getVersion();
    // THEN 401 → new token → success
    expect(version.versionString).toBeTruthy();
    const trail = sandbox.requests().map((r) => (isTokenPath(r.path) ? 'token' : r.status));
    expect(trail).toEqual(['token', 200, 401, 'token', 200]);
  });

  it('works with the password grant on a tenant-scoped token URL', async () => {
    const client = createExstreamClient(
      config({
        auth: {
          tokenUrl: `${sandbox.url}/otdsws/otdstenant/acme/oauth2/token`,
          grantType: 'password',
          clientId: 'sandbox',
          clientSecret: 'sandbox-secret',
          username: 'sandbox-user',
          password: 'sandbox-password',
        },
      }),
    );
    await client.getVersion();
    const [token] = tokenRequests();
    expect(token?.path).toBe('/otdsws/otdstenant/acme/oauth2/token');
    expect(token?.body).toMatchObject({ grant_type: 'password', username: 'sandbox-user' });
  });

  it('reports wrong client credentials as an auth error that does not contain the secret', async () => {
    const { lines, logger } = createMemoryLogger();
    const client = createExstreamClient(config({ auth: { tokenUrl: sandbox.tokenUrl, clientId: 'sandbox', clientSecret: 'not-the-secret-42' } }), { logger });
    const error = await client.getVersion().catch((e: unknown) => e);
    expect(isExstreamError(error) && error.kind).toBe('auth');
    expect(isExstreamError(error) && error.retryable).toBe(false);
    expect(`${JSON.stringify(error)} ${(error as Error).message} ${lines.join('\n')}`).not.toContain('not-the-secret-42');
    expect(tokenRequests()).toHaveLength(1);
  });

  it('retries two 500s and then succeeds', async () => {
    const { sleeps, sleep } = recordingSleep();
    const client = createExstreamClient(config(), { sleep, random: () => 1 });
    await client.getVersion();
    sandbox.faults.failNext(2, 500);
    const version = await client.getVersion();
    expect(version.versionString).toBeTruthy();
    expect(apiRequests('/version').map((r) => r.status)).toEqual([200, 500, 500, 200]);
    expect(sleeps).toEqual([50, 100]);
  });

  it('honours Retry-After on a 429', async () => {
    const { sleeps, sleep } = recordingSleep();
    const client = createExstreamClient(config(), { sleep, random: () => 0 });
    await client.getVersion();
    sandbox.faults.failNext(1, 429, { retryAfterSeconds: 3 });
    await client.getVersion();
    expect(apiRequests('/version').map((r) => r.status)).toEqual([200, 429, 200]);
    expect(sleeps).toEqual([3000]);
  });

  it('does not retry a 400', async () => {
    const { sleeps, sleep } = recordingSleep();
    const client = createExstreamClient(config(), { sleep });
    const error = await client
      .onDemand({ service: 'orders', body: '{not json', contentType: 'application/json', idempotencyKey: key('bad') })
      .catch((e: unknown) => e);
    expect(isExstreamError(error)).toBe(true);
    if (!isExstreamError(error)) return;
    expect(error.kind).toBe('validation');
    expect(error.status).toBe(400);
    expect(error.upstream.message).toMatch(/JSON/i);
    expect(apiRequests('/inputs/ondemand/demo/orders')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('surfaces a slow response as a timeout error', async () => {
    const client = createExstreamClient(config({ timeoutMs: 150, retry: { maxAttempts: 1 } }));
    sandbox.faults.delayNext(1, 1_000);
    const error = await client.getVersion().catch((e: unknown) => e);
    expect(isExstreamError(error) && error.kind).toBe('timeout');
    expect(isExstreamError(error) && error.retryable).toBe(true);
  });

  it('generate returns a PDF, sends the idempotency key, and a repeat produces no second document', async () => {
    const client = createExstreamClient(config());
    const idempotencyKey = key('gen');
    const input = { communicationId: '11111111-2222-4333-8444-555555555555', driverDataSource: 'orders', data: DATA, idempotencyKey } as const;
    const first = await client.generate({ ...input, accept: 'pdf' });
    const second = await client.generate({ ...input, accept: 'pdf' });
    expect(first.kind).toBe('bytes');
    if (first.kind !== 'bytes' || second.kind !== 'bytes') return;
    expect(first.contentType).toMatch(/application\/pdf/);
    expect(first.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(second.body.equals(first.body)).toBe(true);
    const calls = apiRequests('/inputs/ondemand/demo/generate');
    expect(calls.map((c) => c.idempotencyKey)).toEqual([idempotencyKey, idempotencyKey]);
    expect(calls[0]?.headers.communicationid).toBe(input.communicationId);
    expect(calls[0]?.headers.driverdatasource).toBe('orders');
    expect(sandbox.countByIdempotencyKey()[idempotencyKey]).toBe(1);
  });

  it('generate with accept envelope decodes the base64 output', async () => {
    const client = createExstreamClient(config());
    const result = await client.generate({ communicationId: 'c-1', driverDataSource: 'orders', data: DATA, accept: 'envelope', idempotencyKey: key('env') });
    expect(result.kind).toBe('envelope');
    if (result.kind !== 'envelope') return;
    expect(result.status).toBe('success');
    expect(result.outputs).toHaveLength(1);
    expect(result.outputs[0]?.fileExtension).toBe('pdf');
    expect(result.outputs[0]?.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('onDemand on an HTTP input channel returns the PDF when mimeType asks for it', async () => {
    const client = createExstreamClient(config());
    const result = await client.onDemand({ service: 'order-docs', body: DATA, mimeType: 'application/pdf', idempotencyKey: key('od') });
    expect(result.kind === 'bytes' && result.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(apiRequests('/inputs/ondemand/demo/order-docs')[0]?.headers.mimetype).toBe('application/pdf');
  });

  it('makes exactly one token request for 200 parallel on-demand calls on a cold client', async () => {
    // The sandbox renders every PDF on one thread: a generous timeout keeps retries out of the picture.
    const client = createExstreamClient(config({ timeoutMs: 120_000 }));
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        client.generate({ communicationId: 'c-1', driverDataSource: 'orders', data: DATA, accept: 'pdf', idempotencyKey: key(`par${i}`) }),
      ),
    );
    expect(results.every((r) => r.kind === 'bytes')).toBe(true);
    expect(tokenRequests()).toHaveLength(1);
    expect(apiRequests('/generate')).toHaveLength(200);
    expect(new Set(apiRequests('/generate').map((r) => r.idempotencyKey)).size).toBe(200);
  });

  it('polls a batch job to complete and finds it by its external id', async () => {
    const client = createExstreamClient(config());
    const idempotencyKey = key('batch');
    const records = Array.from({ length: 250 }, (_, i) => ({ ...DATA, meta: { ...DATA.meta, communicationId: `stmt-${i}` } }));
    const { jobId } = await client.submitBatch({ service: 'statements', body: records, idempotencyKey });
    const job = await client.waitForJob(jobId, { deadlineMs: 20_000, initialDelayMs: 20, maxDelayMs: 200 });
    expect(job.status).toBe('complete');
    expect(job.mode).toBe('BATCH');
    const found = await client.findJobsByExternalId(idempotencyKey);
    expect(found.map((j) => j.id)).toEqual([jobId]);
    expect(apiRequests('/inputs/batch/demo/statements')[0]?.idempotencyKey).toBe(idempotencyKey);
  });

  it('streams an NDJSON batch from an async iterable', async () => {
    const client = createExstreamClient(config());
    async function* lines() {
      for (let i = 0; i < 1_000; i += 1) yield `${JSON.stringify({ ...DATA, meta: { ...DATA.meta, communicationId: `s-${i}` } })}\n`;
    }
    const { jobId } = await client.submitBatch({ service: 'statements', body: lines(), contentType: 'application/x-ndjson', idempotencyKey: key('nd') });
    const job = await client.waitForJob(jobId, { deadlineMs: 20_000, initialDelayMs: 20, maxDelayMs: 200 });
    expect(job.status).toBe('complete');
    expect(job.recordCount).toBe(1_000);
  });

  it('polls a batch job that ends in error and returns it with msg', async () => {
    const client = createExstreamClient(config());
    sandbox.faults.failNextBatchJob('record 3: missing recipient');
    const { jobId } = await client.submitBatch({ service: 'statements', body: [DATA], idempotencyKey: key('err') });
    const job = await client.waitForJob(jobId, { deadlineMs: 20_000, initialDelayMs: 20, maxDelayMs: 200 });
    expect(job.status).toBe('error');
    expect(job.msg).toContain('missing recipient');
  });

  it('lists jobs with a filter and paging, and stops a running job', async () => {
    const slow = await startSandbox({ port: 0, dataDir: null, batch: { startAfterMs: 10, completeAfterMs: 60_000 } });
    try {
      const client = createExstreamClient({
        ...config(),
        baseUrl: slow.url,
        auth: { tokenUrl: slow.tokenUrl, clientId: 'sandbox', clientSecret: 'sandbox-secret' },
      });
      const submitted = [];
      for (let i = 0; i < 3; i += 1) submitted.push(await client.submitBatch({ service: 'statements', body: [DATA], idempotencyKey: key(`l${i}`) }));
      // WHEN listing batch jobs two per page
      const page1 = await client.listJobs({ filter: { mode: 'BATCH' }, offset: 0, count: 2 });
      const page2 = await client.listJobs({ filter: { mode: 'BATCH' }, offset: 2, count: 2 });
      expect(page1.jobs).toHaveLength(2);
      expect(page2.jobs).toHaveLength(1);
      expect(page1.page?.totalElements).toBe(3);
      expect(new Set([...page1.jobs, ...page2.jobs].map((j) => j.id))).toEqual(new Set(submitted.map((s) => s.jobId)));
      // WHEN stopping one
      const target = submitted[0]!.jobId;
      await client.stopJob(target);
      expect((await client.getJob(target)).status).toBe('canceled');
      const canceled = await client.listJobs({ filter: { statuses: ['canceled'] } });
      expect(canceled.jobs.map((j) => j.id)).toEqual([target]);
      // AND stopping it again is a conflict, not retried
      const again = await client.stopJob(target).catch((e: unknown) => e);
      expect(isExstreamError(again) && again.kind).toBe('conflict');
    } finally {
      await slow.close();
    }
  });

  it('generates to Empower and fulfils the document as PDF and envelope; preserveDocuments=false deletes it', async () => {
    const client = createExstreamClient(config());
    const generateInput = { communicationId: 'c-1', driverDataSource: 'orders', empowerUser: 'svc-user', data: DATA } as const;
    // GIVEN a document sent to Empower: the bare {documentId} answer, and the envelope carrying it
    const bare = await client.generate({ ...generateInput, accept: 'json', idempotencyKey: key('emp') });
    expect(bare.kind === 'envelope' && bare.documentId).toMatch(/^[0-9a-f-]{36}$/);
    const enveloped = await client.generate({ ...generateInput, accept: 'envelope', idempotencyKey: key('emp-env') });
    expect(enveloped.kind === 'envelope' && enveloped.documentId).toMatch(/^[0-9a-f-]{36}$/);
    if (bare.kind !== 'envelope' || !bare.documentId || enveloped.kind !== 'envelope' || !enveloped.documentId) return;
    // WHEN fulfilled as a PDF, keeping the document
    sandbox.clearRequests();
    const pdf = await client.fulfill({ communicationId: 'fulfil-1', driverDataSource: 'orders', documents: [bare.documentId], accept: 'pdf', idempotencyKey: key('ful') });
    // THEN the PDF, with the contract's headers and body
    expect(pdf.kind === 'bytes' && pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const [sent] = apiRequests('/inputs/fulfillment/ondemand/demo/fulfill');
    expect(sent?.headers).toMatchObject({ communicationid: 'fulfil-1', driverdatasource: 'orders', preservedocuments: 'true', accept: 'application/pdf' });
    expect(sent?.body).toEqual({ documents: [bare.documentId] });
    // WHEN fulfilled as the envelope of both documents, deleting them
    const both = await client.fulfill({
      communicationId: 'fulfil-1',
      driverDataSource: 'orders',
      documents: [bare.documentId, enveloped.documentId],
      preserveDocuments: false,
      accept: 'envelope',
      idempotencyKey: key('ful-env'),
    });
    expect(both.kind).toBe('envelope');
    if (both.kind !== 'envelope') return;
    expect(both.outputs.map((o) => o.fileExtension)).toEqual(['pdf', 'pdf']);
    expect(both.outputs.every((o) => o.content.subarray(0, 5).toString('latin1') === '%PDF-')).toBe(true);
    expect(apiRequests('/fulfill').at(-1)?.headers.preservedocuments).toBe('false');
    // THEN a new fulfillment of them is not found (and not retried)
    const gone = await client.fulfill({ communicationId: 'fulfil-1', driverDataSource: 'orders', documents: [bare.documentId], idempotencyKey: key('ful-gone') }).catch((e: unknown) => e);
    expect(isExstreamError(gone) && gone.kind).toBe('not_found');
    expect(isExstreamError(gone) && gone.attempts).toBe(1);
  });

  it('rejects a fulfill call without documents before any request', async () => {
    const client = createExstreamClient(config());
    sandbox.clearRequests();
    const error = await client.fulfill({ communicationId: 'f', driverDataSource: 'd', documents: [], idempotencyKey: key('none') }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('VALIDATION_FAILED');
    expect(String((error as Error).message) + JSON.stringify(error)).toContain('documents');
    expect(sandbox.requests()).toHaveLength(0);
  });

  it('maps an unknown job id to not_found', async () => {
    const error = await createExstreamClient(config()).getJob('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(isExstreamError(error) && error.kind).toBe('not_found');
    expect(isExstreamError(error) && error.status).toBe(404);
  });
});

describe('client ↔ sandbox contract: deployment options', () => {
  const base = (target: Sandbox, overrides: Partial<TExstreamClientConfigInput> = {}): TExstreamClientConfigInput => ({
    baseUrl: target.url,
    domain: target.domain,
    auth: { tokenUrl: target.tokenUrl, clientId: 'sandbox', clientSecret: 'sandbox-secret' },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });

  it('sends the XSRF cookie/header pair a deployment requires on HTTP input channels', async () => {
    const guarded = await startSandbox({ port: 0, dataDir: null, xsrf: true, batch: { startAfterMs: 5, completeAfterMs: 10 } });
    try {
      // WHEN the client does not send the pair: 403, forbidden, not retried
      const plain = createExstreamClient(base(guarded));
      const refused = await plain.onDemand({ service: 'orders', body: DATA, mimeType: 'application/pdf', idempotencyKey: key('x0') }).catch((e: unknown) => e);
      expect(isExstreamError(refused) && [refused.kind, refused.status, refused.attempts]).toEqual(['forbidden', 403, 1]);
      expect(isExstreamError(refused) && refused.upstream.message).toMatch(/CSRF/);
      // WHEN the client's xsrf option is on (a random token per client, or a given one)
      for (const xsrf of [{ enabled: true }, { enabled: true, token: 'given-token-1' }]) {
        const client = createExstreamClient(base(guarded, { xsrf }));
        const pdf = await client.onDemand({ service: 'orders', body: DATA, mimeType: 'application/pdf', idempotencyKey: key('x1') });
        expect(pdf.kind === 'bytes' && pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        const { jobId } = await client.submitBatch({ service: 'statements', body: [DATA], idempotencyKey: key('x2') });
        expect((await client.waitForJob(jobId, { deadlineMs: 10_000, initialDelayMs: 10, maxDelayMs: 50 })).status).toBe('complete');
      }
    } finally {
      await guarded.close();
    }
  });

  it('gets tokens from every tenant-scoped token URL shape, and a tenant mismatch is forbidden', async () => {
    const tenants = await startSandbox({ port: 0, dataDir: null, domains: ['acme-docs', 'globex-docs'], tenant: 'acme', domainTenants: { 'globex-docs': 'globex' } });
    try {
      for (const shape of ['/otdsws/otdstenant/acme/oauth2/token', '/otdstenant/acme/oauth2/token', '/otdstenant/acme/otdsws/oauth2/token', '/otds/otdstenant/acme/otdsws/oauth2/token']) {
        const client = createExstreamClient(base(tenants, { domain: 'acme-docs', auth: { tokenUrl: `${tenants.url}${shape}`, clientId: 'sandbox', clientSecret: 'sandbox-secret' } }));
        expect((await client.listJobs()).jobs).toEqual([]);
      }
      const wrongTenant = createExstreamClient(base(tenants, { domain: 'globex-docs', auth: { tokenUrl: `${tenants.url}/otdstenant/acme/oauth2/token`, clientId: 'sandbox', clientSecret: 'sandbox-secret' } }));
      const error = await wrongTenant.listJobs().catch((e: unknown) => e);
      expect(isExstreamError(error) && [error.kind, error.status, error.retryable]).toEqual(['forbidden', 403, false]);
    } finally {
      await tenants.close();
    }
  });

  it('sees strict mode on HTTP channels and fulfill as not_found', async () => {
    const strict = await startSandbox({ port: 0, dataDir: null, strict: true, catalog: [{ communicationId: 'comm-1', name: 'Order confirmation' }], channels: ['orders'] });
    try {
      const client = createExstreamClient(base(strict));
      expect((await client.onDemand({ service: 'orders', body: DATA, idempotencyKey: key('s1') })).kind).toBe('envelope');
      const channel = await client.onDemand({ service: 'unpublished', body: DATA, idempotencyKey: key('s2') }).catch((e: unknown) => e);
      expect(isExstreamError(channel) && [channel.kind, channel.upstream.status]).toEqual(['not_found', 'failure']);
      const generated = await client.generate({ communicationId: 'comm-1', driverDataSource: 'orders', empowerUser: 'svc', data: DATA, accept: 'json', idempotencyKey: key('s3') });
      const documentId = generated.kind === 'envelope' ? generated.documentId : undefined;
      expect(documentId).toBeTruthy();
      const fulfil = await client.fulfill({ communicationId: 'not-catalogued', driverDataSource: 'orders', documents: [documentId!], idempotencyKey: key('s4') }).catch((e: unknown) => e);
      expect(isExstreamError(fulfil) && fulfil.kind).toBe('not_found');
      const ok = await client.fulfill({ communicationId: 'comm-1', driverDataSource: 'orders', documents: [documentId!], idempotencyKey: key('s5') });
      expect(ok.kind).toBe('bytes');
    } finally {
      await strict.close();
    }
  });
});
