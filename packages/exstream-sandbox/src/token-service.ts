import { createHmac, createPublicKey, generateKeyPair, randomBytes, randomUUID, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

export type SandboxClient = { clientId: string; clientSecret: string };
export type SandboxUser = { username: string; password: string };
export type TokenAlgorithm = 'RS256' | 'HS256';

export type TokenServiceOptions = {
  clients: SandboxClient[];
  users: SandboxUser[];
  ttlSeconds: number;
  algorithm: TokenAlgorithm;
  issuer: () => string;
  defaultTenant: string;
  clock: () => number;
};

export type TokenClaims = {
  iss: string;
  sub: string;
  uid: string;
  unm: string;
  tid: string;
  cid: string;
  grt: string;
  scp: string[];
  grp: string[];
  typ: 'access_token';
  iat: number;
  exp: number;
  jti: string;
};

export type TokenGrantResult =
  | { ok: true; body: { access_token: string; token_type: 'Bearer'; expires_in: number; scope: string; refresh_token?: string } }
  | { ok: false; status: 400 | 401; body: { error: string; error_description: string } };

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; message: string };

const b64url = (input: Buffer | string): string => Buffer.from(input).toString('base64url');

function safeEqualText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

let sharedRsaKeys: Promise<{ privateKey: KeyObject; publicKey: KeyObject }> | undefined;

// One RSA key pair per process: generating 2048-bit keys costs ~100 ms and test files start many
// sandboxes. Tokens from another sandbox still fail, because each sandbox only accepts the jti it issued.
function rsaKeys(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  sharedRsaKeys ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return sharedRsaKeys;
}

/** An OTDS look-alike: validates client and user fixtures, issues signed JWT access tokens, verifies bearers. */
export async function createTokenService(options: TokenServiceOptions) {
  const keys = options.algorithm === 'RS256' ? await rsaKeys() : null;
  const hmacSecret = randomBytes(32);
  const kid = randomUUID();
  // jti → when and in which generation it was issued. Doubles as the "known token" list; expireAll()
  // starts a new generation so every earlier token reads as expired.
  const issued = new Map<string, { atMs: number; generation: number }>();
  let generation = 0;

  const signJwt = (claims: TokenClaims): string => {
    const head = b64url(JSON.stringify({ alg: options.algorithm, typ: 'JWT', kid }));
    const body = b64url(JSON.stringify(claims));
    const data = `${head}.${body}`;
    const signature = keys ? sign('sha256', Buffer.from(data), keys.privateKey) : createHmac('sha256', hmacSecret).update(data).digest();
    return `${data}.${b64url(signature)}`;
  };

  const prune = (nowMs: number): void => {
    if (issued.size < 10_000) return;
    const horizon = nowMs - options.ttlSeconds * 1000;
    for (const [jti, entry] of issued) if (entry.atMs < horizon) issued.delete(jti);
  };

  const issue = (input: { tenant: string; clientId: string; username: string | null; grant: string; scope: string }): TokenGrantResult => {
    const nowMs = options.clock();
    prune(nowMs);
    const iat = Math.floor(nowMs / 1000);
    const jti = randomUUID();
    const user = input.username ?? `oauth.${input.clientId}`;
    const claims: TokenClaims = {
      iss: options.issuer(),
      sub: user,
      uid: `${user}@${input.tenant}`,
      unm: user,
      tid: input.tenant,
      cid: input.clientId,
      grt: input.grant,
      scp: input.scope.split(/\s+/).filter(Boolean),
      grp: ['tenantadmins@exstream.role'],
      typ: 'access_token',
      iat,
      exp: iat + options.ttlSeconds,
      jti,
    };
    issued.set(jti, { atMs: nowMs, generation });
    return {
      ok: true,
      body: {
        access_token: signJwt(claims),
        token_type: 'Bearer',
        expires_in: options.ttlSeconds,
        scope: input.scope,
        ...(input.grant === 'password' ? { refresh_token: b64url(randomBytes(24)) } : {}),
      },
    };
  };

  return {
    /** Handles one form-encoded token request (already parsed). */
    grant(form: URLSearchParams, basicAuth: { clientId: string; clientSecret: string } | null, tenant: string | null): TokenGrantResult {
      const grantType = form.get('grant_type');
      const clientId = form.get('client_id') ?? basicAuth?.clientId ?? null;
      const clientSecret = form.get('client_secret') ?? basicAuth?.clientSecret ?? null;
      const scope = form.get('scope') ?? 'otds:groups';
      const client = clientId ? options.clients.find((c) => c.clientId === clientId) : undefined;
      if (grantType !== 'client_credentials' && grantType !== 'password') {
        return { ok: false, status: 400, body: { error: 'unsupported_grant_type', error_description: `Grant type '${grantType ?? ''}' is not supported` } };
      }
      if (!client) return { ok: false, status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
      if (grantType === 'client_credentials') {
        if (clientSecret === null || !safeEqualText(clientSecret, client.clientSecret)) {
          return { ok: false, status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
        }
        return issue({ tenant: tenant ?? options.defaultTenant, clientId: client.clientId, username: null, grant: grantType, scope });
      }
      // Password grant: a confidential client may also send its secret; if it does, it must match.
      if (clientSecret !== null && !safeEqualText(clientSecret, client.clientSecret)) {
        return { ok: false, status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } };
      }
      const username = form.get('username') ?? '';
      const password = form.get('password') ?? '';
      const user = options.users.find((u) => u.username === username);
      if (!user || !safeEqualText(password, user.password)) {
        return { ok: false, status: 400, body: { error: 'invalid_grant', error_description: 'Invalid username or password' } };
      }
      return issue({ tenant: tenant ?? options.defaultTenant, clientId: client.clientId, username: user.username, grant: grantType, scope });
    },

    verifyBearer(authorization: string | undefined): TokenCheck {
      if (!authorization) return { ok: false, message: 'Full authentication is required to access this resource' };
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (!match?.[1]) return { ok: false, message: 'Malformed Authorization header: expected a Bearer token' };
      const parts = match[1].split('.');
      if (parts.length !== 3) return { ok: false, message: 'Invalid token: malformed JWT' };
      const [head = '', body = '', sig = ''] = parts;
      let header: { alg?: unknown };
      let claims: TokenClaims;
      try {
        header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as { alg?: unknown };
        claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
      } catch {
        return { ok: false, message: 'Invalid token: malformed JWT' };
      }
      if (header.alg !== options.algorithm) return { ok: false, message: 'Invalid token: unexpected signing algorithm' };
      const data = Buffer.from(`${head}.${body}`);
      const signature = Buffer.from(sig, 'base64url');
      const valid = keys
        ? verify('sha256', data, keys.publicKey, signature)
        : (() => {
            const expected = createHmac('sha256', hmacSecret).update(data).digest();
            return expected.length === signature.length && timingSafeEqual(expected, signature);
          })();
      if (!valid) return { ok: false, message: 'Invalid token: signature verification failed' };
      const entry = issued.get(claims.jti);
      if (entry === undefined) return { ok: false, message: 'Invalid token: unknown token' };
      const nowMs = options.clock();
      if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return { ok: false, message: 'Invalid token: token has expired' };
      if (entry.generation !== generation) return { ok: false, message: 'Invalid token: token has expired' };
      return { ok: true, claims };
    },

    /** Every token issued so far stops working (as if it had expired); new tokens work. */
    expireAll(): void {
      generation += 1;
    },

    jwks(): { keys: unknown[] } {
      if (!keys) return { keys: [] };
      const jwk = createPublicKey(keys.publicKey).export({ format: 'jwk' });
      return { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] };
    },
  };
}

export type TokenService = Awaited<ReturnType<typeof createTokenService>>;
