import { createHash } from 'node:crypto';
import { z } from 'zod';
import { effectiveScope, type TExstreamClientConfig } from './config.ts';
import type { ResolvedDeps } from './deps.ts';
import { ExstreamError, kindForStatus } from './exstream-error.ts';
import type { BearerAuth, Transport } from './create-transport.ts';
import type { SecretRedactor } from './redact-secrets.ts';

const ZOtdsTokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
});

type CachedToken = { value: string; expiresAtMs: number; refreshAtMs: number };
type CacheEntry = { token?: CachedToken; pending?: Promise<CachedToken> };

/**
 * Where tokens live. Each client gets its own by default; pass one shared cache to clients built for the same
 * connection (e.g. one client per job) so they reuse a token. Entries are keyed by token URL + client id +
 * grant/user + scope + a hash of the credentials, so a changed secret never reuses a token issued for the old.
 */
export type ExstreamTokenCache = { readonly entries: Map<string, CacheEntry> };

export function createTokenCache(): ExstreamTokenCache {
  return { entries: new Map() };
}

/** When the token response has no `expires_in` and the token is not a readable JWT. Deliberately short. */
const FALLBACK_TTL_SECONDS = 300;

function jwtExpiryMs(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

export type TokenProviderOptions = {
  config: TExstreamClientConfig;
  deps: ResolvedDeps;
  transport: Transport;
  redactor: SecretRedactor;
  cache?: ExstreamTokenCache;
};

/**
 * OTDS OAuth2 tokens (form-encoded POST; `client_credentials` or `password`). One cached token per connection,
 * refreshed `tokenRefreshSkewSeconds` before expiry, single-flight: concurrent callers share one request.
 */
export function createTokenProvider({ config, deps, transport, redactor, cache = createTokenCache() }: TokenProviderOptions): BearerAuth {
  const { auth } = config;
  const scope = effectiveScope(config);
  const credentialHash = createHash('sha256')
    .update(`${auth.clientSecret ?? ''}\u0000${auth.password ?? ''}`)
    .digest('hex')
    .slice(0, 16);
  const key = [auth.tokenUrl, auth.clientId, auth.grantType, auth.username ?? '', scope ?? '', credentialHash].join('\u0001');
  // RFC 6749 §2.3.1: id and secret are form-encoded before being joined for Basic.
  const basic =
    auth.clientAuthMethod === 'basic'
      ? Buffer.from(`${encodeURIComponent(auth.clientId)}:${encodeURIComponent(auth.clientSecret ?? '')}`).toString('base64')
      : undefined;
  redactor.add(auth.clientSecret);
  redactor.add(auth.password);
  redactor.add(basic);

  const entry = (): CacheEntry => {
    let e = cache.entries.get(key);
    if (!e) {
      e = {};
      cache.entries.set(key, e);
    }
    return e;
  };

  const fetchToken = async (): Promise<CachedToken> => {
    const form = new URLSearchParams({ grant_type: auth.grantType });
    if (auth.clientAuthMethod === 'body') {
      form.set('client_id', auth.clientId);
      if (auth.clientSecret) form.set('client_secret', auth.clientSecret);
    }
    if (auth.grantType === 'password') {
      form.set('username', auth.username ?? '');
      form.set('password', auth.password ?? '');
    }
    if (scope) form.set('scope', scope);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (basic) headers.Authorization = `Basic ${basic}`;
    const body = form.toString();
    const requestedAt = deps.now();
    const response = await transport.send({
      operation: 'token',
      method: 'POST',
      url: auth.tokenUrl,
      headers,
      body: { kind: 'replayable', contentType: 'application/x-www-form-urlencoded', make: () => body },
      // OAuth servers answer bad credentials with 400 (invalid_grant / invalid_client) as often as with 401.
      classify: (status) => (status === 400 || status === 401 ? 'auth' : kindForStatus(status)),
    });
    let parsed: z.infer<typeof ZOtdsTokenResponse>;
    try {
      parsed = ZOtdsTokenResponse.parse(JSON.parse(response.body.toString('utf8')));
    } catch {
      throw new ExstreamError(
        `Exstream token endpoint answered HTTP ${response.status} without an access_token (is the token URL right?)`,
        { kind: 'auth', status: response.status, operation: 'token', retryable: false },
      );
    }
    const value = parsed.access_token;
    redactor.add(value);
    const expiresAtMs = parsed.expires_in !== undefined ? requestedAt + parsed.expires_in * 1000 : (jwtExpiryMs(value) ?? requestedAt + FALLBACK_TTL_SECONDS * 1000);
    const lifetimeMs = Math.max(0, expiresAtMs - requestedAt);
    // A short-lived token (tests, strict tenants) is refreshed at half its life rather than never used.
    const skewMs = Math.min(config.tokenRefreshSkewSeconds * 1000, lifetimeMs / 2);
    deps.logger.debug('exstream token issued', { expiresInMs: lifetimeMs, grantType: auth.grantType });
    return { value, expiresAtMs, refreshAtMs: expiresAtMs - skewMs };
  };

  // The cache may be shared with other clients, and a token one of them fetched is still a secret here: every
  // token this client hands to its transport is added to this client's redactor, not only the ones it fetched.
  let lastRedacted: string | null = null;
  const reveal = (token: CachedToken): string => {
    if (token.value !== lastRedacted) {
      redactor.add(token.value);
      lastRedacted = token.value;
    }
    return token.value;
  };

  const get = async (): Promise<string> => {
    const e = entry();
    if (e.token && deps.now() < e.token.refreshAtMs) return reveal(e.token);
    if (!e.pending) {
      const pending = fetchToken();
      e.pending = pending;
      pending.then(
        (token) => {
          e.token = token;
          if (e.pending === pending) delete e.pending;
        },
        () => {
          if (e.pending === pending) delete e.pending;
        },
      );
    }
    return reveal(await e.pending);
  };

  const invalidate = (token: string): void => {
    const e = entry();
    if (e.token?.value === token) delete e.token;
  };

  return { get, invalidate };
}
