import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMagentoSidecar } from '../src/app.ts';
import { REPLAYED_MESSAGE } from '../src/authenticate-store.ts';
import { signMagentoRequest } from '../src/verify-signature.ts';
import { json } from './helpers/signed-client.ts';
import { loadEnvelope, startStack, type Stack } from './helpers/start-stack.ts';

const SECRET = 'replay-store-secret-0123456789';
const REPLAYED = { error: { code: 'UNAUTHENTICATED', message: REPLAYED_MESSAGE } };

type UseRow = { signature: string; expiresAt: Date };

describe.each(testDatabaseTargets())('replay protection of signed write requests ($name)', (target) => {
  let stack: Stack;
  let storeId: string;
  let signedFetch: ReturnType<Stack['client']>;
  beforeAll(async () => {
    stack = await startStack(target, { worker: false });
    storeId = (await stack.registerStore('replay-store', SECRET)).id;
    signedFetch = stack.client('replay-store', SECRET);
  });
  afterAll(async () => stack?.close());

  /** One signed request exactly as the module sent it: the same bytes and signature header every time. */
  const send = (baseUrl: string, method: string, path: string, body: string, signature: string) =>
    fetch(baseUrl + path, {
      method,
      headers: { 'x-exstream-connect-store': 'replay-store', 'x-exstream-connect-signature': signature, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body } : {}),
    });

  /** The same request twice (what an eavesdropper would resend), the copy optionally to another instance. */
  const twice = async (method: string, path: string, body = '', copyTo = stack.url) => {
    const signature = signMagentoRequest(SECRET, { method, path, rawBody: body });
    const first = await send(stack.url, method, path, body, signature);
    const second = await send(copyTo, method, path, body, signature);
    return { first, second, signature };
  };

  const uses = () =>
    stack.db.prisma.$queryRawUnsafe<UseRow[]>(`SELECT signature, "expiresAt" FROM "SignedRequestUse" WHERE "storeId" = $1::uuid`, storeId);

  it('GIVEN a captured PUT /v1/settings WHEN it is sent again within the window THEN 401 "replayed", and the use is recorded until the signature expires', async () => {
    const body = json({ dryRun: true });
    const { first, second, signature } = await twice('PUT', '/v1/settings', body);
    expect(first.status).toBe(200);
    expect(second.status).toBe(401);
    expect(await second.json()).toEqual(REPLAYED);
    // Kept in the database (shared by every instance) until t + 300 s + 1 s.
    const t = Number(/^t=(\d+),/.exec(signature)![1]);
    const row = (await uses()).find((r) => r.signature === /v1=([0-9a-f]{64})/.exec(signature)![1]);
    expect(row).toBeDefined();
    expect(row!.expiresAt.getTime()).toBe((t + 301) * 1000);
  });

  it('GIVEN a captured resend or Test connection THEN the copy is refused, whatever the first answer was', async () => {
    // Unknown communication: the first answer is 404, the copy is still a replay.
    const resend = await twice('POST', '/v1/communications/7b0c6a8e-0d7e-4c1e-9a57-2f0a7d9e8c11/resend');
    expect(resend.first.status).toBe(404);
    expect(resend.second.status).toBe(401);
    expect(await resend.second.json()).toEqual(REPLAYED);
    const test = await twice('POST', '/v1/settings/test');
    expect(test.first.status).not.toBe(401);
    expect(test.second.status).toBe(401);
  });

  it('GIVEN the same write signed afresh (another timestamp) THEN it is served again', async () => {
    const body = json({ dryRun: false });
    const now = Date.now();
    for (const at of [new Date(now - 2_000), new Date(now - 1_000), new Date(now)]) {
      expect((await signedFetch('PUT', '/v1/settings', { body, at })).status).toBe(200);
    }
  });

  it('GIVEN a replayed GET THEN it is served (reads are not guarded)', async () => {
    const { first, second } = await twice('GET', '/v1/settings');
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
  });

  it('GIVEN a replayed POST /v1/events THEN 200 duplicate, never 401 (idempotent by id)', async () => {
    const envelope = { ...(await loadEnvelope('01-order-placed')), id: 'replay:order.placed:1' };
    const { first, second } = await twice('POST', '/v1/events', json(envelope));
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ status: 'duplicate', id: 'replay:order.placed:1' });
  });

  it('GIVEN two sidecar instances on one database THEN a request served by one is refused by the other', async () => {
    const other = await startMagentoSidecar({ engine: stack.engine, port: 0, host: '127.0.0.1' });
    try {
      const { first, second } = await twice('PUT', '/v1/settings', json({ dryRun: false, rules: [] }), other.url);
      expect(first.status).toBe(200);
      expect(second.status).toBe(401);
      expect(await second.json()).toEqual(REPLAYED);
    } finally {
      await other.close();
    }
  });

  it('deletes expired uses when a new one is claimed', async () => {
    await stack.db.prisma.$executeRawUnsafe(
      `INSERT INTO "SignedRequestUse" ("storeId", signature, "expiresAt") VALUES ($1::uuid, $2, now() - interval '1 minute')`,
      storeId,
      'e'.repeat(64),
    );
    expect((await uses()).some((r) => r.signature === 'e'.repeat(64))).toBe(true);
    // A body no other test signs: the same bytes signed in the same second would be a replay.
    expect((await signedFetch('PUT', '/v1/settings', { body: json({ dryRun: true, rules: [] }) })).status).toBe(200);
    expect((await uses()).some((r) => r.signature === 'e'.repeat(64))).toBe(false);
    expect((await uses()).every((r) => r.expiresAt.getTime() > Date.now() - 60_000)).toBe(true);
  });

  it('keeps uses per store: the same signature value of another store is not a replay', async () => {
    const other = await stack.registerStore('replay-store-b', SECRET);
    const claimA = await stack.engine.signedRequests.claimOnce({ id: storeId }, { signature: 'a'.repeat(64), expiresAt: new Date(Date.now() + 60_000) });
    const claimB = await stack.engine.signedRequests.claimOnce(other, { signature: 'a'.repeat(64), expiresAt: new Date(Date.now() + 60_000) });
    const againA = await stack.engine.signedRequests.claimOnce({ id: storeId }, { signature: 'a'.repeat(64), expiresAt: new Date(Date.now() + 60_000) });
    expect([claimA, claimB, againA]).toEqual([true, true, false]);
  });
});
