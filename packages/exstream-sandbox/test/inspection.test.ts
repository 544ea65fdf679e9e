import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedRequest, Sandbox } from '../src/index.ts';
import { call, generate, getToken, ORCH, withSandbox } from './helpers.ts';

describe('request inspection', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await withSandbox();
  });
  afterAll(() => sandbox.close());

  it('records every request oldest first with Authorization and secrets redacted', async () => {
    // GIVEN
    sandbox.clearRequests();
    const token = await getToken(sandbox);
    await generate(sandbox, token, { documentType: 'invoice', recipient: { name: 'Ана' } }, { 'Idempotency-Key': 'insp-1' });
    await call(sandbox, token, `${ORCH}/inputs/batch/demo/statements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"a":1},{"a":2},{"a":3}]' });

    // WHEN
    const res = await fetch(`${sandbox.url}/__sandbox/requests`);
    const requests = (await res.json()) as RecordedRequest[];

    // THEN
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /otdsws/oauth2/token',
      `POST ${ORCH}/inputs/ondemand/demo/generate`,
      `POST ${ORCH}/inputs/batch/demo/statements`,
    ]);
    const serialized = JSON.stringify(requests);
    expect(serialized).not.toContain(token);
    expect(serialized).not.toContain('sandbox-secret');
    expect(requests[0]!.body).toMatchObject({ grant_type: 'client_credentials', client_id: 'sandbox', client_secret: '[redacted]' });
    expect(requests[1]!.headers.authorization).toBe('Bearer [redacted]');
    expect(requests[1]!.headers.communicationid).toBe('comm-order-confirmation');
    expect(requests[1]!.body).toEqual({ documentType: 'invoice', recipient: { name: 'Ана' } });
    expect(requests[1]!.idempotencyKey).toBe('insp-1');
    expect(requests[1]!.status).toBe(200);
    expect(requests[2]!.body).toEqual({ size: expect.any(Number), records: 3 });
    expect(sandbox.requests()).toEqual(requests);
  });

  it('clears the log with DELETE', async () => {
    await fetch(`${sandbox.url}${ORCH}/version`);
    const del = await fetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await (await fetch(`${sandbox.url}/__sandbox/requests`)).json()).toEqual([]);
  });

  it('answers unknown paths with a 404 JSON error', async () => {
    const res = await fetch(`${sandbox.url}/nothing/here`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { status: number }).status).toBe(404);
  });
});
