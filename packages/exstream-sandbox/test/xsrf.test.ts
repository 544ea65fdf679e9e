import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { orderConfirmationData } from './fixtures.ts';
import { call, generate, getToken, ORCH, withSandbox } from './helpers.ts';

describe('XSRF cookie/header pair on HTTP-channel inputs (optional)', () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await withSandbox({ xsrf: true, batch: { startAfterMs: 5, completeAfterMs: 10 } });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  const channel = (kind: 'ondemand' | 'batch', headers: Record<string, string>) =>
    call(sandbox, token, `${ORCH}/inputs/${kind}/demo/orders`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(kind === 'batch' ? [orderConfirmationData()] : orderConfirmationData()) });

  it.each(['ondemand', 'batch'] as const)('answers 403 on %s without the pair, or with a cookie and header that differ', async (kind) => {
    const attempts: Array<Record<string, string>> = [{}, { cookie: 'XSRF-TOKEN=abc' }, { 'x-xsrf-token': 'abc' }, { cookie: 'XSRF-TOKEN=abc', 'x-xsrf-token': 'abd' }];
    for (const headers of attempts) {
      const res = await channel(kind, headers);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ status: 403, error: 'Forbidden', message: expect.stringMatching(/^Invalid CSRF token/) });
    }
  });

  it('accepts a matching pair among other cookies, and redacts both in the request log', async () => {
    const ok = await channel('ondemand', { cookie: 'session=1; XSRF-TOKEN=tok-123; theme=dark', 'x-xsrf-token': 'tok-123' });
    expect(ok.status).toBe(200);
    expect((await channel('batch', { cookie: 'XSRF-TOKEN=tok-123', 'x-xsrf-token': 'tok-123' })).status).toBe(201);
    const logged = sandbox.requests().filter((r) => r.path.endsWith('/orders')).at(-1);
    expect(logged?.headers.cookie).toBe('[redacted]');
    expect(logged?.headers['x-xsrf-token']).toBe('[redacted]');
  });

  it('does not ask for the pair on the built-in generate', async () => {
    expect((await generate(sandbox, token, orderConfirmationData())).status).toBe(200);
  });

  it('honours custom cookie and header names, and redacts the custom header', async () => {
    const custom = await withSandbox({ xsrf: { cookieName: 'csrfToken', headerName: 'X-CSRF-Check' } });
    try {
      const t = await getToken(custom);
      const send = (headers: Record<string, string>) => call(custom, t, `${ORCH}/inputs/ondemand/demo/orders`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
      expect((await send({ cookie: 'XSRF-TOKEN=v', 'x-xsrf-token': 'v' })).status).toBe(403);
      expect((await send({ cookie: 'csrfToken=v2', 'x-csrf-check': 'v2' })).status).toBe(200);
      expect(custom.requests().at(-1)?.headers['x-csrf-check']).toBe('[redacted]');
    } finally {
      await custom.close();
    }
  });
});
