import { z } from 'zod';

const ZHttpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

export const ZExstreamGrantType = z.enum(['client_credentials', 'password']);
export type TExstreamGrantType = z.infer<typeof ZExstreamGrantType>;

export const ZExstreamAuthConfig = z
  .object({
    /** Full OTDS token URL. Its shape varies by deployment (see the API notes §2), so it is never derived. */
    tokenUrl: ZHttpUrl,
    grantType: ZExstreamGrantType.default('client_credentials'),
    clientId: z.string().trim().min(1, 'is required'),
    /** Optional only for a public OAuth client used with the password grant. */
    clientSecret: z.string().optional(),
    username: z.string().trim().min(1).optional(),
    password: z.string().min(1).optional(),
    /**
     * OAuth scope. Unset → the deployment mode's default (`local`: `otds:groups`; `ot2`: none, because the
     * cloud scope names the subscription). An empty string sends no scope at all.
     */
    scope: z.string().optional(),
    /**
     * [inferred] How the client authenticates to OTDS: `body` sends `client_id`/`client_secret` as form fields
     * (what OpenText's SDK does), `basic` sends an `Authorization: Basic` header instead.
     */
    clientAuthMethod: z.enum(['body', 'basic']).default('body'),
  })
  .superRefine((auth, ctx) => {
    if (auth.grantType === 'client_credentials' && !auth.clientSecret) {
      ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'is required for the client_credentials grant' });
    }
    if (auth.grantType === 'password') {
      if (!auth.username) ctx.addIssue({ code: 'custom', path: ['username'], message: 'is required for the password grant' });
      if (!auth.password) ctx.addIssue({ code: 'custom', path: ['password'], message: 'is required for the password grant' });
    }
  });
export type TExstreamAuthConfig = z.infer<typeof ZExstreamAuthConfig>;

export const ZExstreamRetryConfig = z.object({
  /** Total attempts per call, the first one included. 1 disables retries. */
  maxAttempts: z.number().int().min(1).max(10).default(4),
  baseDelayMs: z.number().int().min(0).default(250),
  maxDelayMs: z.number().int().min(0).default(10_000),
  /**
   * A `Retry-After` longer than this is not waited out inside the call: the error is thrown at once with
   * `retryAfterMs` set, so a queue can reschedule the job instead of holding a worker.
   */
  maxRetryAfterMs: z.number().int().min(0).default(60_000),
});
export type TExstreamRetryConfig = z.infer<typeof ZExstreamRetryConfig>;

export const ZExstreamXsrfConfig = z.object({
  enabled: z.boolean().default(false),
  cookieName: z.string().min(1).default('XSRF-TOKEN'),
  headerName: z.string().min(1).default('X-XSRF-TOKEN'),
  /**
   * Spring's cookie CSRF repository only checks that cookie and header match (double submit), so a random
   * value per client works unless a deployment hands out its own token.
   */
  token: z.string().min(1).optional(),
});
export type TExstreamXsrfConfig = z.infer<typeof ZExstreamXsrfConfig>;

export const ZExstreamClientConfig = z.object({
  /** Exstream root URL, e.g. `https://exstream.example.com` (service prefixes are appended to it). */
  baseUrl: ZHttpUrl,
  /** Path prefix of the Orchestration service. OpenText cloud hosts may need `''` (API notes §1). */
  orchestrationPath: z
    .string()
    .trim()
    .default('/orchestration')
    .refine((p) => p === '' || (p.startsWith('/') && !p.includes('?') && !p.includes('#')), 'must be empty or start with /'),
  /** DAS domain id, e.g. `dev-SA`. */
  domain: z.string().trim().min(1).max(255),
  /** `local` (on-prem) or `ot2` (OpenText cloud). Only picks defaults, e.g. the OAuth scope. */
  deploymentMode: z.enum(['local', 'ot2']).default('local'),
  auth: ZExstreamAuthConfig,
  /** Per-attempt timeout, covering the response body too. */
  timeoutMs: z.number().int().min(1).default(30_000),
  /** Per-attempt timeout of `submitBatch`: the upload of a large statement run takes longer than one document. */
  batchTimeoutMs: z.number().int().min(1).default(600_000),
  retry: ZExstreamRetryConfig.default(ZExstreamRetryConfig.parse({})),
  /** Refresh the token this long before it expires (capped at half the token's lifetime). */
  tokenRefreshSkewSeconds: z.number().int().min(0).default(60),
  /** Optional CSRF cookie/header pair some deployments demand on HTTP input channels (API notes §2). */
  xsrf: ZExstreamXsrfConfig.default(ZExstreamXsrfConfig.parse({})),
});
export type TExstreamClientConfig = z.infer<typeof ZExstreamClientConfig>;
/** What callers pass: defaults not yet applied. */
export type TExstreamClientConfigInput = z.input<typeof ZExstreamClientConfig>;

/** The scope actually sent: explicit config wins, else the deployment mode's default. */
export function effectiveScope(config: TExstreamClientConfig): string | undefined {
  if (config.auth.scope !== undefined) return config.auth.scope.trim() === '' ? undefined : config.auth.scope.trim();
  return config.deploymentMode === 'local' ? 'otds:groups' : undefined;
}
