import { readdir, readFile } from 'node:fs/promises';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BODY_LIMIT } from '../src/app.ts';
import { signMagentoRequest } from '../src/verify-signature.ts';
import { json } from './helpers/signed-client.ts';
import { loadEnvelope, startStack, type Stack } from './helpers/start-stack.ts';

const SECRET = 'events-store-secret-0123456789';
/** What the PHP module's payload builder produces (apps/magento-module owns these files). */
const MODULE_ENVELOPES = new URL('../../magento-module/Test/fixtures/magento/envelopes/', import.meta.url);

type ErrorBody = { error: { code: string; message: string; issues?: Array<{ path: string; message: string }> } };

describe.each(testDatabaseTargets())('POST /v1/events ($name)', (target) => {
  let stack: Stack;
  let storeId: string;
  let signedFetch: ReturnType<Stack['client']>;
  const logLines: string[] = [];
  beforeAll(async () => {
    stack = await startStack(target, { worker: false, logger: { level: 'trace', stream: { write: (line: string) => logLines.push(line) } } });
    storeId = (await stack.registerStore('events-store', SECRET)).id;
    signedFetch = stack.client('events-store', SECRET);
  });
  afterAll(async () => stack?.close());

  it('GIVEN a new envelope THEN 202 accepted; the same id again THEN 200 with the same result and one InboundEvent', async () => {
    const envelope = await loadEnvelope('01-order-placed');
    const first = await signedFetch('POST', '/v1/events', { body: json(envelope) });
    expect(first.status).toBe(202);
    const accepted = (await first.json()) as { status: string; id: string; inboundEventId: string; eventKinds: string[] };
    expect(accepted).toMatchObject({ status: 'accepted', id: envelope.id });
    expect(accepted.eventKinds).toContain('order.placed');
    expect(accepted.inboundEventId).toMatch(/^[0-9a-f-]{36}$/);

    // The module retries after a timeout: same id, freshly signed.
    const again = await signedFetch('POST', '/v1/events', { body: json(envelope) });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ...accepted, status: 'duplicate' });

    const rows = await stack.db.prisma.inboundEvent.findMany({ where: { storeId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(accepted.inboundEventId);
    expect(rows[0]!.orderRef).toBe('000000142');
  });

  it("accepts every envelope in the PHP module's own fixtures (one contract on both sides)", async () => {
    const files = (await readdir(MODULE_ENVELOPES)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const body = await readFile(new URL(file, MODULE_ENVELOPES));
      const response = await signedFetch('POST', '/v1/events', { body });
      expect(response.status, `${file}: ${await response.clone().text()}`).toBe(202);
      const accepted = (await response.json()) as { eventKinds: string[] };
      expect(accepted.eventKinds.length, file).toBeGreaterThan(0);
    }
  });

  it('verifies the raw bytes: pretty-printed JSON with unicode is accepted as sent', async () => {
    const envelope = { ...(await loadEnvelope('02-order-invoiced')), id: 'raw-bytes:order.invoiced:1' };
    const response = await signedFetch('POST', '/v1/events', { body: Buffer.from(JSON.stringify(envelope, null, 3) + '\n', 'utf8'), contentType: 'application/json; charset=utf-8' });
    expect(response.status).toBe(202);
  });

  it('GIVEN an envelope with bad fields THEN 400 listing each field at fault', async () => {
    const envelope = await loadEnvelope('01-order-placed');
    const bad = { ...envelope, id: '', event: 'order.exploded', store: { ...(envelope.store as object), currency: 'euro' } };
    const response = await signedFetch('POST', '/v1/events', { body: json(bad) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.issues!.map((i) => i.path).sort()).toEqual(['event', 'id', 'store.currency']);
    expect(body.error.message).toContain('store.currency');
  });

  it('GIVEN an invalid entity THEN 400 naming the entity fields, and nothing stored', async () => {
    const envelope = await loadEnvelope('01-order-placed');
    const entity = { ...(envelope.entity as Record<string, unknown>) };
    delete entity.increment_id;
    entity.grand_total = 'lots';
    const response = await signedFetch('POST', '/v1/events', { body: json({ ...envelope, id: 'bad-entity:1', entity }) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('VALIDATION_FAILED');
    const paths = body.error.issues!.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['entity.increment_id', 'entity.grand_total']));
    expect(await stack.db.prisma.inboundEvent.count({ where: { storeId, eventId: 'bad-entity:1' } })).toBe(0);
  });

  it('GIVEN malformed JSON (correctly signed) THEN 400 MALFORMED_BODY', async () => {
    const response = await signedFetch('POST', '/v1/events', { body: '{"id": "x", "event": ' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe('MALFORMED_BODY');
    expect(body.error.message).toMatch(/not valid JSON/);
  });

  it('GIVEN an empty body or a JSON array THEN 400', async () => {
    const empty = await signedFetch('POST', '/v1/events', { body: '', contentType: 'application/json' });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as ErrorBody).error.code).toBe('MALFORMED_BODY');
    const array = await signedFetch('POST', '/v1/events', { body: '[]' });
    expect(array.status).toBe(400);
    expect(((await array.json()) as ErrorBody).error.code).toBe('VALIDATION_FAILED');
  });

  it('GIVEN a body over 1 MiB THEN 413 with a JSON error', async () => {
    const envelope = await loadEnvelope('01-order-placed');
    const big = json({ ...envelope, id: 'too-big:1', padding: 'x'.repeat(DEFAULT_BODY_LIMIT) });
    const response = await signedFetch('POST', '/v1/events', { body: big });
    expect(response.status).toBe(413);
    expect(((await response.json()) as ErrorBody).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('GIVEN a body over 1 MiB sent chunked (no Content-Length) THEN 413 as well', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= DEFAULT_BODY_LIMIT + chunk.length) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const signature = signMagentoRequest(SECRET, { method: 'POST', path: '/v1/events', rawBody: '' });
    const response = await fetch(`${stack.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-exstream-connect-store': 'events-store', 'x-exstream-connect-signature': signature },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('GIVEN a wrong content type THEN 415', async () => {
    const envelope = await loadEnvelope('01-order-placed');
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const response = await signedFetch('POST', '/v1/events', { body: json(envelope), contentType });
      expect(response.status).toBe(415);
      expect(((await response.json()) as ErrorBody).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('refuses a __proto__ key instead of parsing it', async () => {
    const response = await signedFetch('POST', '/v1/events', { body: '{"id":"p","__proto__":{"admin":true}}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe('MALFORMED_BODY');
  });

  it('logs every request but never the shared secret, a signature or a full email address', async () => {
    // Runs last: by now the log holds accepted, duplicate, rejected and unauthenticated requests.
    expect((await stack.client('events-store', 'wrong-secret-0123456789')('GET', '/v1/settings')).status).toBe(401);
    const log = logLines.join('');
    expect(log).toContain('"reqId"');
    expect(log).toContain('signature_mismatch');
    expect(log).not.toContain(SECRET);
    expect(log).not.toMatch(/v1=[0-9a-f]{64}/);
    expect(log).not.toMatch(/[A-Za-z0-9._%+-]{2,}@example\.(ca|com)/);
  });
});
