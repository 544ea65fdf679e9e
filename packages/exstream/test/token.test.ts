import { describe, expect, it } from 'vitest';
import { createExstreamClient, createTokenCache, isExstreamError } from '../src/index.ts';
import { baseConfig, createFakeClock, createFakeFetch, type FakeFetch, json, TOKEN_URL, tokenResponse } from './helpers/fake-fetch.ts';

const VERSION = { apiIdentifier: 'orchestration', major: 25, minor: 2, patch: 0, versionString: '25.2.0' };

function versionServer(opts: { tokens?: () => string; expiresIn?: number; acceptToken?: (t: string) => boolean } = {}) {
  let issued = 0;
  return createFakeFetch(async (call) => {
    if (call.url.href === TOKEN_URL) {
      issued += 1;
      return tokenResponse(opts.tokens ? opts.tokens() : `tok-${issued}`, opts.expiresIn ?? 900);
    }
    const bearer = call.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    if (opts.acceptToken && !opts.acceptToken(bearer)) return json({ status: 401, error: 'Unauthorized', message: 'expired' }, 401);
    return json(VERSION);
  });
}

const tokenCalls = (fetch: FakeFetch) => fetch.calls.filter((c) => c.url.href === TOKEN_URL);

describe('OTDS token', () => {
  it('posts a form-encoded client_credentials request with the local default scope', async () => {
    const fetch = versionServer();
    const client = createExstreamClient(baseConfig(), { fetch });
    await client.getVersion();
    const [call] = tokenCalls(fetch);
    expect(call?.method).toBe('POST');
    expect(call?.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(call?.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'connect',
      client_secret: 'S3cr3t-client-value!',
      scope: 'otds:groups',
    });
    expect(fetch.calls[1]?.headers.get('authorization')).toBe('Bearer tok-1');
  });

  it('posts the password grant with username, password and an explicit scope', async () => {
    const fetch = versionServer();
    const client = createExstreamClient(
      baseConfig({
        deploymentMode: 'ot2',
        auth: { tokenUrl: TOKEN_URL, grantType: 'password', clientId: 'connect', username: 'svc', password: 'pw-123456', scope: 'otds:roles' },
      }),
      { fetch },
    );
    await client.getVersion();
    const form = Object.fromEntries(new URLSearchParams(tokenCalls(fetch)[0]?.body));
    expect(form).toEqual({ grant_type: 'password', client_id: 'connect', username: 'svc', password: 'pw-123456', scope: 'otds:roles' });
  });

  it('sends client credentials as HTTP Basic when configured, and no scope for ot2 without one', async () => {
    const fetch = versionServer();
    const client = createExstreamClient(
      baseConfig({ deploymentMode: 'ot2', auth: { tokenUrl: TOKEN_URL, clientId: 'connect', clientSecret: 'abc-secret', clientAuthMethod: 'basic' } }),
      { fetch },
    );
    await client.getVersion();
    const call = tokenCalls(fetch)[0];
    expect(call?.headers.get('authorization')).toBe(`Basic ${Buffer.from('connect:abc-secret').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(call?.body))).toEqual({ grant_type: 'client_credentials' });
  });

  it('reuses the token until the refresh skew, then fetches a new one', async () => {
    // GIVEN a 900 s token and a 60 s skew
    const clock = createFakeClock();
    const fetch = versionServer({ expiresIn: 900 });
    const client = createExstreamClient(baseConfig(), { fetch, now: clock.now, sleep: clock.sleep });
    // WHEN called three times within 839 s
    await client.getVersion();
    clock.advance(500_000);
    await client.getVersion();
    clock.advance(339_000);
    await client.getVersion();
    // THEN one token
    expect(tokenCalls(fetch)).toHaveLength(1);
    // WHEN past expiry minus skew
    clock.advance(2_000);
    await client.getVersion();
    expect(tokenCalls(fetch)).toHaveLength(2);
    expect(fetch.calls.at(-1)?.headers.get('authorization')).toBe('Bearer tok-2');
  });

  it('refreshes a short-lived token at half its lifetime rather than on every call', async () => {
    const clock = createFakeClock();
    const fetch = versionServer({ expiresIn: 10 });
    const client = createExstreamClient(baseConfig(), { fetch, now: clock.now });
    await client.getVersion();
    clock.advance(4_000);
    await client.getVersion();
    expect(tokenCalls(fetch)).toHaveLength(1);
    clock.advance(2_000);
    await client.getVersion();
    expect(tokenCalls(fetch)).toHaveLength(2);
  });

  it('makes exactly one token request for 200 parallel calls on a cold client', async () => {
    const fetch = versionServer();
    const client = createExstreamClient(baseConfig(), { fetch });
    const results = await Promise.all(Array.from({ length: 200 }, () => client.getVersion()));
    expect(results).toHaveLength(200);
    expect(tokenCalls(fetch)).toHaveLength(1);
    expect(fetch.calls).toHaveLength(201);
  });

  it('after a 401 mid-session fetches one new token and the retry succeeds', async () => {
    // GIVEN the server revokes tok-1 after the first call
    let revoked = false;
    const fetch = versionServer({ acceptToken: (t) => !(revoked && t === 'tok-1') });
    const client = createExstreamClient(baseConfig(), { fetch });
    await client.getVersion();
    revoked = true;
    // WHEN calling again
    const version = await client.getVersion();
    // THEN it succeeded on tok-2 after exactly one refresh
    expect(version.versionString).toBe('25.2.0');
    expect(tokenCalls(fetch)).toHaveLength(2);
    expect(fetch.calls.map((c) => c.headers.get('authorization') ?? 'token')).toEqual([
      'token',
      'Bearer tok-1',
      'Bearer tok-1',
      'token',
      'Bearer tok-2',
    ]);
  });

  it('gives up after a second 401 with an auth error', async () => {
    const fetch = versionServer({ acceptToken: () => false });
    const client = createExstreamClient(baseConfig(), { fetch });
    const error = await client.getVersion().catch((e: unknown) => e);
    expect(isExstreamError(error) && error.kind).toBe('auth');
    expect(isExstreamError(error) && error.retryable).toBe(false);
    expect(tokenCalls(fetch)).toHaveLength(2);
    expect(fetch.calls).toHaveLength(4);
  });

  it('maps rejected client credentials (OAuth 400 invalid_client) to an auth error without retrying', async () => {
    const fetch = createFakeFetch(() => json({ error: 'invalid_client', error_description: 'Client authentication failed' }, 400));
    const client = createExstreamClient(baseConfig(), { fetch });
    const error = await client.getVersion().catch((e: unknown) => e);
    expect(isExstreamError(error)).toBe(true);
    if (!isExstreamError(error)) return;
    expect(error.kind).toBe('auth');
    expect(error.operation).toBe('token');
    expect(error.upstream.error).toBe('invalid_client');
    expect(error.upstream.message).toBe('Client authentication failed');
    expect(fetch.calls).toHaveLength(1);
  });

  it('treats a token answer without access_token as an auth error', async () => {
    const fetch = createFakeFetch(() => new Response('<html>login</html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    const client = createExstreamClient(baseConfig(), { fetch });
    const error = await client.getVersion().catch((e: unknown) => e);
    expect(isExstreamError(error) && error.kind).toBe('auth');
  });

  it('shares one token between clients of the same connection through a shared cache', async () => {
    const fetch = versionServer();
    const tokenCache = createTokenCache();
    await createExstreamClient(baseConfig(), { fetch, tokenCache }).getVersion();
    await createExstreamClient(baseConfig(), { fetch, tokenCache }).getVersion();
    expect(tokenCalls(fetch)).toHaveLength(1);
    // A different secret is a different cache key: no token issued for other credentials is reused.
    await createExstreamClient(baseConfig({ auth: { tokenUrl: TOKEN_URL, clientId: 'connect', clientSecret: 'other-secret' } }), {
      fetch,
      tokenCache,
    }).getVersion();
    expect(tokenCalls(fetch)).toHaveLength(2);
  });

  it('reads the expiry from a JWT when expires_in is missing', async () => {
    const clock = createFakeClock();
    const exp = Math.floor(clock.now() / 1000) + 100;
    const jwt = `h.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.s`;
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? json({ access_token: jwt }) : json(VERSION)));
    const client = createExstreamClient(baseConfig(), { fetch, now: clock.now });
    await client.getVersion();
    clock.advance(45_000);
    await client.getVersion();
    expect(tokenCalls(fetch)).toHaveLength(1);
    clock.advance(10_000);
    await client.getVersion();
    expect(tokenCalls(fetch)).toHaveLength(2);
  });
});
