import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createFakeEngine } from './helpers/fake-engine.ts';
import { createSignedClient, json } from './helpers/signed-client.ts';

const envelope = { id: 'evt-1', event: 'order.placed', store: { code: 'default', website: 'base', locale: 'en_US', currency: 'EUR', base_url: 'https://shop.example/' }, entity: { increment_id: '000000001', customer_email: 'jane.doe@example.com' } };

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(engine = createFakeEngine(), extra: { ping?: () => Promise<unknown>; bodyLimit?: number } = {}) {
  const lines: string[] = [];
  app = buildApp({ engine, logger: { level: 'debug', stream: { write: (line: string) => lines.push(line) } }, ...extra });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { url, lines, signedFetch: createSignedClient(url, { storeKey: 'fake-store', secret: 'fake-secret' }) };
}

describe('error mapping (engine failures the real engine cannot be made to produce)', () => {
  it('GIVEN the engine throws a bug WHEN an event is posted THEN 500 with a generic message and a request id, details only in the log', async () => {
    const { signedFetch, lines } = await start(createFakeEngine({ acceptError: new TypeError('cannot read x of undefined at secret-internals.ts for jane.doe@example.com') }));
    const response = await signedFetch('POST', '/v1/events', { body: json(envelope) });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('INTERNAL');
    expect(body.error.message).toBe('Internal error');
    expect(JSON.stringify(body)).not.toContain('secret-internals');
    const logged = lines.join('\n');
    expect(logged).toContain(body.error.requestId);
    expect(logged).toContain('secret-internals.ts');
    expect(logged).not.toContain('jane.doe@example.com');
    expect(logged).toContain('j***@example.com');
    // Neither the signature nor the shared secret reaches the log.
    expect(logged).not.toContain('fake-secret');
    expect(logged).not.toMatch(/v1=[0-9a-f]{64}/);
  });

  it('GIVEN a failing database WHEN /healthz is called THEN 503 without details', async () => {
    const { url } = await start(createFakeEngine(), { ping: async () => Promise.reject(new Error('connection refused to 10.0.0.5')) });
    const response = await fetch(`${url}/healthz`);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ status: 'unavailable', database: 'unreachable' });
    expect(text).not.toContain('10.0.0.5');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/v2/nothing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Route not found.' } });
  });
});
