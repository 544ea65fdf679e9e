import { readFile } from 'node:fs/promises';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMagentoSidecar } from '../src/app.ts';
import { UNAUTHENTICATED_MESSAGE } from '../src/authenticate-store.ts';
import { signMagentoRequest } from '../src/verify-signature.ts';
import { json } from './helpers/signed-client.ts';
import { startStack, type Stack } from './helpers/start-stack.ts';

const SECRET_A = 'store-a-secret-0123456789';
const SECRET_B = 'store-b-secret-9876543210';
const UNAUTHENTICATED = { error: { code: 'UNAUTHENTICATED', message: UNAUTHENTICATED_MESSAGE } };

describe.each(testDatabaseTargets())('store signature on every module route ($name)', (target) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(target, { worker: false });
    await stack.registerStore('store-a', SECRET_A);
    await stack.registerStore('store-b', SECRET_B);
    await stack.registerStore('store-gone', 'store-gone-secret-000000');
    await stack.engine.stores.markUninstalled('magento', 'store-gone');
  });
  afterAll(async () => stack?.close());

  const expect401 = async (response: Response) => {
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(UNAUTHENTICATED);
  };

  it('GIVEN a good signature WHEN reading settings THEN 200', async () => {
    const response = await stack.client('store-a', SECRET_A)('GET', '/v1/settings');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ connection: null, rules: [] });
  });

  it('signs the path WITH its query string', async () => {
    const signedFetch = stack.client('store-a', SECRET_A);
    expect((await signedFetch('GET', '/v1/feedback?limit=5')).status).toBe(200);
    // Signed for one query, sent with another: the signature no longer matches.
    const signature = signMagentoRequest(SECRET_A, { method: 'GET', path: '/v1/feedback?limit=5', rawBody: '' });
    await expect401(await signedFetch('GET', '/v1/feedback?limit=6', { signature }));
    // Signed without the query string at all.
    const pathOnly = signMagentoRequest(SECRET_A, { method: 'GET', path: '/v1/feedback', rawBody: '' });
    await expect401(await signedFetch('GET', '/v1/feedback?limit=5', { signature: pathOnly }));
  });

  it('GIVEN a bad signature, a tampered body or another method THEN 401', async () => {
    const signedFetch = stack.client('store-a', SECRET_A);
    await expect401(await signedFetch('GET', '/v1/settings', { signature: `t=${Math.floor(Date.now() / 1000)},v1=${'ab'.repeat(32)}` }));
    const body = json({ dryRun: true });
    const signedForOtherBody = signMagentoRequest(SECRET_A, { method: 'PUT', path: '/v1/settings', rawBody: json({ dryRun: false }) });
    await expect401(await signedFetch('PUT', '/v1/settings', { body, signature: signedForOtherBody }));
    const signedAsGet = signMagentoRequest(SECRET_A, { method: 'GET', path: '/v1/settings', rawBody: body });
    await expect401(await signedFetch('PUT', '/v1/settings', { body, signature: signedAsGet }));
    // And nothing changed.
    expect((await stack.engine.settings.get({ id: (await stack.engine.stores.find('magento', 'store-a'))!.id })).dryRun).toBe(false);
  });

  it('GIVEN a stale (301 s old) or future (301 s ahead) timestamp THEN 401; inside the window THEN 200', async () => {
    const signedFetch = stack.client('store-a', SECRET_A);
    await expect401(await signedFetch('GET', '/v1/settings', { at: new Date(Date.now() - 301_000) }));
    await expect401(await signedFetch('GET', '/v1/settings', { at: new Date(Date.now() + 301_000) }));
    expect((await signedFetch('GET', '/v1/settings', { at: new Date(Date.now() - 240_000) })).status).toBe(200);
  });

  it("GIVEN store A's key signed with store B's secret THEN 401", async () => {
    await expect401(await stack.client('store-a', SECRET_B)('GET', '/v1/settings'));
  });

  it('GIVEN missing headers THEN 401 with the same message', async () => {
    await expect401(await stack.client('store-a', SECRET_A)('GET', '/v1/settings', { storeKey: null }));
    await expect401(await stack.client('store-a', SECRET_A)('GET', '/v1/settings', { signature: null }));
    await expect401(await fetch(`${stack.url}/v1/settings`));
    await expect401(await stack.client('store-a', SECRET_A)('GET', '/v1/settings', { signature: 'not-a-signature' }));
  });

  it('GIVEN an unknown or uninstalled store THEN 401 with the same message as a bad signature', async () => {
    await expect401(await stack.client('store-nope', SECRET_A)('GET', '/v1/settings'));
    await expect401(await stack.client('store-gone', 'store-gone-secret-000000')('GET', '/v1/settings'));
  });

  it('guards every module route, POST bodies included', async () => {
    const anonymous = async (method: string, path: string, body?: string) =>
      fetch(stack.url + path, { method, ...(body ? { body, headers: { 'content-type': 'application/json', 'x-exstream-connect-store': 'store-a' } } : { headers: { 'x-exstream-connect-store': 'store-a' } }) });
    const id = '7b0c6a8e-0d7e-4c1e-9a57-2f0a7d9e8c11';
    for (const [method, path, body] of [
      ['POST', '/v1/events', json({ id: 'x' })],
      ['GET', '/v1/orders/000000001/communications'],
      ['GET', `/v1/documents/${id}`],
      ['POST', `/v1/communications/${id}/resend`],
      ['GET', '/v1/settings'],
      ['PUT', '/v1/settings', json({})],
      ['POST', '/v1/settings/test'],
      ['GET', '/v1/feedback'],
      ['POST', '/v1/statements/run', json({})],
      ['GET', '/v1/statements/runs'],
    ] as const) {
      await expect401(await anonymous(method, path, body));
    }
  });

  it('GIVEN no credentials WHEN /healthz THEN 200 with a database ping', async () => {
    const response = await fetch(`${stack.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
  });
});

/** Fixed vectors shared with the PHP module's signer tests (apps/magento-module owns the file). */
const VECTORS_FILE = new URL('../../magento-module/Test/fixtures/signature-vectors.json', import.meta.url);
type Vector = { name: string; secret: string; timestamp: number; method: string; path: string; body: string; signature: string; header: string };

describe('signature vectors shared with the PHP module', () => {
  let stack: Stack;
  let vectors: Vector[];
  beforeAll(async () => {
    vectors = (JSON.parse(await readFile(VECTORS_FILE, 'utf8')) as { vectors: Vector[] }).vectors;
    stack = await startStack({ name: 'pglite' }, { worker: false });
  });
  afterAll(async () => stack?.close());

  it('reproduces every header byte for byte', () => {
    expect(vectors.length).toBeGreaterThan(0);
    for (const v of vectors) {
      expect(signMagentoRequest(v.secret, { method: v.method, path: v.path, rawBody: v.body }, new Date(v.timestamp * 1000)), v.name).toBe(v.header);
      expect(v.header).toBe(`t=${v.timestamp},v1=${v.signature}`);
    }
  });

  it('accepts each vector header over real HTTP at its own time, and refuses it 301 s later', async () => {
    // The engine refuses store secrets under 16 characters, so such a vector cannot be a real
    // store's; it is still checked byte for byte above.
    const usable = vectors.filter((v) => v.secret.length >= 16);
    expect(usable.length).toBeGreaterThanOrEqual(3);
    for (const v of usable) {
      const storeKey = `vector-${v.name}`;
      await stack.registerStore(storeKey, v.secret);
      for (const [offset, authenticated] of [[0, true], [301, false]] as const) {
        const sidecar = await startMagentoSidecar({ engine: stack.engine, port: 0, host: '127.0.0.1', clock: () => new Date((v.timestamp + offset) * 1000) });
        try {
          const response = await fetch(sidecar.url + v.path, {
            method: v.method,
            headers: { 'x-exstream-connect-store': storeKey, 'x-exstream-connect-signature': v.header, ...(v.body ? { 'content-type': 'application/json' } : {}) },
            ...(v.body ? { body: v.body } : {}),
          });
          // Past authentication the engine answers on the merits (404 unknown communication,
          // 400 foreign cursor...), but never 401.
          if (authenticated) expect(response.status, v.name).not.toBe(401);
          else expect(response.status, v.name).toBe(401);
        } finally {
          await sidecar.close();
        }
      }
    }
  });
});
