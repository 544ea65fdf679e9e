import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createExstreamClient, createTokenCache, isExstreamError } from '../src/index.ts';
import { baseConfig, CLIENT_SECRET, createFakeClock, createFakeFetch, createMemoryLogger, json, TOKEN_URL, tokenResponse } from './helpers/fake-fetch.ts';

const PASSWORD = 'pa ss+w/o&rd=42';
const ACCESS_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.access-token-value.sig';

/** Everything an error exposes: message, JSON, util.inspect (own props, cause) and the stack. */
function everythingIn(error: unknown): string {
  const e = error as Error;
  return [e.message, JSON.stringify(error), inspect(error, { depth: 8 }), e.stack ?? '', JSON.stringify((error as { details?: unknown }).details)].join('\n');
}

describe('secrets never leak', () => {
  it('scrubs a client secret and password echoed by the token endpoint from the error and logs', async () => {
    // GIVEN a token endpoint that echoes the submitted form (raw and form-encoded) in its error body
    const fetch = createFakeFetch((call) =>
      json({ error: 'invalid_grant', error_description: `bad credentials ${CLIENT_SECRET} / ${PASSWORD} in ${call.body}`, status: 401 }, 401),
    );
    const { lines, logger } = createMemoryLogger();
    const client = createExstreamClient(
      baseConfig({ auth: { tokenUrl: TOKEN_URL, grantType: 'password', clientId: 'connect', clientSecret: CLIENT_SECRET, username: 'svc', password: PASSWORD } }),
      { fetch, logger },
    );
    // WHEN
    const error = await client.getVersion().catch((e: unknown) => e);
    // THEN the error is the auth error, with the echo scrubbed everywhere
    expect(isExstreamError(error) && error.kind).toBe('auth');
    const text = everythingIn(error) + lines.join('\n');
    expect(text).toContain('[redacted]');
    for (const secret of [CLIENT_SECRET, PASSWORD, encodeURIComponent(CLIENT_SECRET), new URLSearchParams({ p: PASSWORD }).toString().slice(2)]) {
      expect(text).not.toContain(secret);
    }
  });

  it('keeps the access token out of logs and out of errors that echo it', async () => {
    const clock = createFakeClock();
    const fetch = createFakeFetch((call) => {
      if (call.url.href === TOKEN_URL) return tokenResponse(ACCESS_TOKEN);
      return json({ status: 500, message: `upstream saw ${call.headers.get('authorization')}` }, 500);
    });
    const { lines, logger } = createMemoryLogger();
    const client = createExstreamClient(baseConfig({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }), {
      fetch,
      logger,
      sleep: clock.sleep,
    });
    const error = await client.getVersion().catch((e: unknown) => e);
    expect(isExstreamError(error) && error.kind).toBe('server');
    expect(lines.some((l) => l.includes('exstream retrying'))).toBe(true);
    const text = everythingIn(error) + lines.join('\n');
    expect(text).not.toContain(ACCESS_TOKEN);
    expect(text).not.toContain(CLIENT_SECRET);
    expect(text).toContain('upstream saw Bearer [redacted]');
  });

  it('does not expose the secret in the message of a network failure', async () => {
    const fetch = createFakeFetch(() => Promise.reject(new TypeError(`fetch failed for client_secret=${CLIENT_SECRET}`)));
    const clock = createFakeClock();
    const client = createExstreamClient(baseConfig({ retry: { maxAttempts: 1 } }), { fetch, sleep: clock.sleep });
    const error = await client.getVersion().catch((e: unknown) => e);
    expect(isExstreamError(error) && error.kind).toBe('network');
    expect(everythingIn(error)).not.toContain(CLIENT_SECRET);
  });
});

describe('secrets across truncation', () => {
  it('does not keep the head of a secret cut by the details truncation', async () => {
    // GIVEN a non-JSON error body where the secret straddles the 500-character truncation point
    const body = `${'x'.repeat(490)}${CLIENT_SECRET}${'y'.repeat(100)}`;
    const fetch = createFakeFetch(() => new Response(body, { status: 400, headers: { 'content-type': 'text/plain' } }));
    const client = createExstreamClient(baseConfig(), { fetch });
    const error = await client.getVersion().catch((e: unknown) => e);
    expect(isExstreamError(error)).toBe(true);
    expect(everythingIn(error)).not.toContain(CLIENT_SECRET.slice(0, 8));
  });
});

describe('secrets with a shared token cache', () => {
  it('keeps a token fetched by client A out of client B\'s error, upstream fields and logs', async () => {
    // GIVEN two clients of one connection sharing a token cache; the server echoes the Authorization header
    // of B's request in a 400 body (raw, and JSON-escaped inside `details`)
    const fetch = createFakeFetch((call) => {
      if (call.url.href === TOKEN_URL) return tokenResponse(ACCESS_TOKEN);
      if (call.url.pathname.endsWith('/version')) return json({ apiIdentifier: 'orchestration', major: 25, minor: 2, patch: 0, versionString: '25.2.0' });
      const auth = call.headers.get('authorization') ?? '';
      return json({ status: 400, error: 'Bad Request', message: `bad header ${auth}`, details: JSON.stringify({ authorization: auth }) }, 400);
    });
    const tokenCache = createTokenCache();
    const a = createExstreamClient(baseConfig(), { fetch, tokenCache });
    const logB = createMemoryLogger();
    const b = createExstreamClient(baseConfig(), { fetch, tokenCache, logger: logB.logger });
    await a.getVersion();
    // WHEN B calls with A's cached token and the server echoes it
    const error = await b.getJob('job-1').catch((e: unknown) => e);
    // THEN B used the shared token (one token request in all) and scrubbed it everywhere
    expect(fetch.calls.filter((c) => c.url.href === TOKEN_URL)).toHaveLength(1);
    expect(fetch.calls.at(-1)?.headers.get('authorization')).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(isExstreamError(error) && error.kind).toBe('validation');
    if (!isExstreamError(error)) return;
    expect(error.message).toContain('Bearer [redacted]');
    expect(error.upstream.message).toBe('bad header Bearer [redacted]');
    expect(JSON.stringify(error.upstream)).not.toContain(ACCESS_TOKEN);
    expect(logB.lines.length).toBeGreaterThan(0);
    const text = everythingIn(error) + JSON.stringify(error.upstream) + logB.lines.join('\n');
    expect(text).not.toContain(ACCESS_TOKEN);
    expect(text).not.toContain(Buffer.from(ACCESS_TOKEN).toString('base64'));
  });

  it('also scrubs a token B received while A\'s token request was still in flight', async () => {
    // GIVEN a slow token endpoint: B's call joins A's pending token request
    let releaseToken!: () => void;
    const tokenGate = new Promise<void>((resolve) => (releaseToken = resolve));
    const fetch = createFakeFetch(async (call) => {
      if (call.url.href === TOKEN_URL) {
        await tokenGate;
        return tokenResponse(ACCESS_TOKEN);
      }
      return json({ status: 400, message: `echo ${call.headers.get('authorization')}` }, 400);
    });
    const tokenCache = createTokenCache();
    const a = createExstreamClient(baseConfig(), { fetch, tokenCache });
    const logB = createMemoryLogger();
    const b = createExstreamClient(baseConfig(), { fetch, tokenCache, logger: logB.logger });
    const pendingA = a.getVersion().catch((e: unknown) => e);
    const pendingB = b.getVersion().catch((e: unknown) => e);
    releaseToken();
    const [, errorB] = await Promise.all([pendingA, pendingB]);
    expect(fetch.calls.filter((c) => c.url.href === TOKEN_URL)).toHaveLength(1);
    expect(isExstreamError(errorB) && errorB.upstream.message).toBe('echo Bearer [redacted]');
    expect(everythingIn(errorB) + logB.lines.join('\n')).not.toContain(ACCESS_TOKEN);
  });
});
