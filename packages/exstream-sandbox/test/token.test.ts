import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.ts';
import { call, getToken, ORCH, withSandbox } from './helpers.ts';

function decodeClaims(jwt: string): Record<string, unknown> {
  const [, body] = jwt.split('.');
  return JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });
}

describe('OTDS token endpoint', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await withSandbox({ users: [{ username: 'designer', password: 'p4ss' }], tokenTtlSeconds: 600 });
  });
  afterAll(() => sandbox.close());

  it.each([
    ['/otdsws/oauth2/token', 'sandbox'],
    ['/otds/otdsws/oauth2/token', 'sandbox'],
    ['/otdsws/otdstenant/acme/oauth2/token', 'acme'],
    ['/otds/otdsws/otdstenant/acme/oauth2/token', 'acme'],
    ['/otdstenant/acme/oauth2/token', 'acme'],
    ['/otds/otdstenant/acme/oauth2/token', 'acme'],
    ['/otdstenant/acme/otdsws/oauth2/token', 'acme'],
    ['/otds/otdstenant/acme/otdsws/oauth2/token', 'acme'],
    ['/otds/otdstenant/acme/otdsws/login', 'acme'],
    ['/otdsws/login', 'sandbox'],
  ])('issues a client_credentials token on %s', async (path, tenant) => {
    // WHEN
    const res = await postForm(`${sandbox.url}${path}`, { grant_type: 'client_credentials', client_id: 'sandbox', client_secret: 'sandbox-secret', scope: 'otds:groups' });
    // THEN
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(600);
    const claims = decodeClaims(body.access_token);
    expect(claims).toMatchObject({ tid: tenant, cid: 'sandbox', grt: 'client_credentials', scp: ['otds:groups'] });
    expect(claims.exp).toBe((claims.iat as number) + 600);
    expect(typeof claims.jti).toBe('string');
    expect(JSON.parse(Buffer.from(body.access_token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'RS256' });
  });

  it('issues a password-grant token with the user in uid and a refresh token', async () => {
    const res = await postForm(sandbox.tokenUrl, { grant_type: 'password', client_id: 'sandbox', username: 'designer', password: 'p4ss' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; refresh_token?: string };
    expect(body.refresh_token).toBeTruthy();
    expect(decodeClaims(body.access_token)).toMatchObject({ uid: 'designer@sandbox', grt: 'password' });
  });

  it('accepts client credentials in HTTP Basic auth', async () => {
    const basic = Buffer.from('sandbox:sandbox-secret').toString('base64');
    const res = await postForm(sandbox.tokenUrl, { grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    expect(res.status).toBe(200);
  });

  it('rejects a bad client secret with 401 invalid_client', async () => {
    const res = await postForm(sandbox.tokenUrl, { grant_type: 'client_credentials', client_id: 'sandbox', client_secret: 'wrong' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client', error_description: expect.any(String) });
  });

  it('rejects an unknown client with 401 invalid_client', async () => {
    const res = await postForm(sandbox.tokenUrl, { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('rejects a wrong user password with 400 invalid_grant', async () => {
    const res = await postForm(sandbox.tokenUrl, { grant_type: 'password', client_id: 'sandbox', username: 'designer', password: 'nope' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('rejects an unsupported grant with 400 unsupported_grant_type', async () => {
    const res = await postForm(sandbox.tokenUrl, { grant_type: 'authorization_code', client_id: 'sandbox', client_secret: 'sandbox-secret' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });

  it('lets a fresh token call the version endpoint on both paths', async () => {
    const token = await getToken(sandbox);
    for (const path of [`${ORCH}/version`, '/orchestration/version']) {
      const res = await call(sandbox, token, path);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ apiIdentifier: 'orchestration', versionString: expect.any(String), details: { appName: 'exstream-sandbox' } });
    }
  });
});

describe('bearer authentication on orchestration routes', () => {
  let now = Date.parse('2025-03-01T10:00:00Z');
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await withSandbox({ tokenTtlSeconds: 900, clock: () => now });
  });
  afterAll(() => sandbox.close());

  async function expectSpring401(res: Response, path: string): Promise<Record<string, unknown>> {
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 401, error: 'Unauthorized', path, message: expect.any(String), timestamp: expect.any(Number) });
    return body;
  }

  it('rejects a missing bearer', async () => {
    const res = await fetch(`${sandbox.url}${ORCH}/version`);
    await expectSpring401(res, `${ORCH}/version`);
  });

  it('rejects a malformed bearer', async () => {
    const res = await call(sandbox, '', `${ORCH}/version`, { headers: { authorization: 'Bearer not-a-jwt' } });
    await expectSpring401(res, `${ORCH}/version`);
  });

  it('rejects a token whose payload was tampered with (forged signature)', async () => {
    const [head, body, sig] = (await getToken(sandbox)).split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${head}.${Buffer.from(JSON.stringify({ ...claims, cid: 'admin' })).toString('base64url')}.${sig}`;
    const res = await call(sandbox, forged, `${ORCH}/version`);
    const error = await expectSpring401(res, `${ORCH}/version`);
    expect(error.message).toMatch(/signature/);
  });

  it('rejects a token once its lifetime has passed', async () => {
    // GIVEN a token that works
    const token = await getToken(sandbox);
    expect((await call(sandbox, token, `${ORCH}/version`)).status).toBe(200);
    // WHEN the clock moves past exp
    now += 901_000;
    // THEN
    const error = await expectSpring401(await call(sandbox, token, `${ORCH}/version`), `${ORCH}/version`);
    expect(error.message).toMatch(/expired/);
  });

  it('rejects a token issued by another sandbox', async () => {
    const other = await withSandbox();
    try {
      const foreign = await getToken(other);
      await expectSpring401(await call(sandbox, foreign, `${ORCH}/version`), `${ORCH}/version`);
    } finally {
      await other.close();
    }
  });

  it('supports HS256 tokens when configured', async () => {
    const hs = await withSandbox({ tokenAlgorithm: 'HS256' });
    try {
      const token = await getToken(hs);
      expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
      expect((await call(hs, token, `${ORCH}/version`)).status).toBe(200);
    } finally {
      await hs.close();
    }
  });
});

describe('tenants bound to domains', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await withSandbox({ domains: ['acme-docs', 'globex-docs', 'shared'], tenant: 'acme', domainTenants: { 'acme-docs': 'acme', 'globex-docs': 'globex' } });
  });
  afterAll(() => sandbox.close());

  const tokenFor = async (tenant: string) => getToken(sandbox, {}, `/otdsws/otdstenant/${tenant}/oauth2/token`);

  it("answers 403 to a token of tenant A on a domain bound to tenant B, on inputs and the runtime API", async () => {
    const acme = await tokenFor('acme');
    const globex = await tokenFor('globex');
    // A's token on A's domain works; on B's domain it is forbidden
    expect((await call(sandbox, acme, `${ORCH}/runtime/acme-docs/jobs`)).status).toBe(200);
    const denied = await call(sandbox, acme, `${ORCH}/runtime/globex-docs/jobs`);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ status: 403, error: 'Forbidden', message: expect.stringContaining("tenant 'acme' may not use domain 'globex-docs'") });
    const generateDenied = await call(sandbox, globex, `${ORCH}/inputs/ondemand/acme-docs/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', communicationId: 'c', driverDataSource: 'd' },
      body: '{}',
    });
    expect(generateDenied.status).toBe(403);
    const batchDenied = await call(sandbox, globex, `${ORCH}/inputs/batch/acme-docs/statements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{}]' });
    expect(batchDenied.status).toBe(403);
    // B's token on B's domain works
    expect((await call(sandbox, globex, `${ORCH}/runtime/globex-docs/jobs`)).status).toBe(200);
  });

  it('binds domains the map does not name to the default tenant', async () => {
    expect((await call(sandbox, await tokenFor('acme'), `${ORCH}/runtime/shared/jobs`)).status).toBe(200);
    expect((await call(sandbox, await tokenFor('globex'), `${ORCH}/runtime/shared/jobs`)).status).toBe(403);
    // the token URL without a tenant issues tokens of the default tenant
    expect((await call(sandbox, await getToken(sandbox), `${ORCH}/runtime/shared/jobs`)).status).toBe(200);
  });

  it('accepts any tenant on any domain by default (single tenant)', async () => {
    const single = await withSandbox();
    try {
      const other = await getToken(single, {}, '/otdstenant/somebody-else/oauth2/token');
      expect((await call(single, other, `${ORCH}/runtime/demo/jobs`)).status).toBe(200);
    } finally {
      await single.close();
    }
  });
});
