import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBatchRecordMemory } from './batch-record-memory.ts';
import { checkXsrfPair } from './check-xsrf-pair.ts';
import { createFaultInjector, type FailStatus } from './fault-injector.ts';
import { createFeedbackPoster, type FeedbackOptions } from './feedback-poster.ts';
import { handleBatchSubmit, handleDeleteJob, handleGetJob, handleListJobs, handleListRecords, handleRecordDocument, handleStopJob } from './handle-batch.ts';
import { handleFulfill, handleOnDemand } from './handle-on-demand.ts';
import { BodyTooLargeError, header, readBody, sendJson, sendSpringError } from './http-utils.ts';
import { createJobStore } from './job-store.ts';
import { createRequestLog, redactFields, type RecordedRequest } from './request-log.ts';
import { createRenderPool } from './render-pool.ts';
import type { BatchData, CatalogEntry, SandboxContext } from './sandbox-context.ts';
import { silentLogger, type SandboxLogger } from './sandbox-logger.ts';
import { createTokenService, type SandboxClient, type SandboxUser, type TokenAlgorithm } from './token-service.ts';

export type StartSandboxOptions = {
  /** 0 = a random free port. Default 0 in-process (the CLI defaults to 4010). */
  port?: number;
  host?: string;
  /** OTDS OAuth clients. Default `sandbox` / `sandbox-secret`. */
  clients?: SandboxClient[];
  /** Users for the password grant. Default `sandbox-user` / `sandbox-password`. */
  users?: SandboxUser[];
  /** DAS domains the orchestration routes accept; `domain` on the Sandbox is the first. Default ['demo']. */
  domains?: string[];
  /** Tenant put in `tid` when the token URL names none. Default 'sandbox'. */
  tenant?: string;
  /**
   * Binds domains to tenants: a token whose `tid` is not the domain's tenant gets 403 on that domain.
   * Domains not named here belong to `tenant`. Unset (default): one tenant, any token works on any domain.
   */
  domainTenants?: Record<string, string>;
  tokenTtlSeconds?: number;
  /** RS256 (default, like OTDS) or HS256. */
  tokenAlgorithm?: TokenAlgorithm;
  /**
   * Strict mode (needs a non-empty `catalog`, else startSandbox throws): generate and fulfill answer 404 for
   * a `communicationId` outside the catalog, HTTP channels 404 for a name outside `channels` (all of them
   * when `channels` is unset). Without strict, any id is accepted.
   */
  strict?: boolean;
  catalog?: CatalogEntry[];
  /** When set, HTTP input channel names outside this list → 404. Default: any name (none in strict mode). */
  channels?: string[];
  /**
   * Require an XSRF cookie and header with the same value on HTTP-channel inputs (on-demand and batch),
   * as deployments behind Spring's cookie CSRF filter do; missing or different → 403. `true` uses the
   * names `XSRF-TOKEN` / `X-XSRF-TOKEN`. Default off.
   */
  xsrf?: boolean | { cookieName?: string; headerName?: string };
  /** Documents are written under `<dataDir>/documents`. Default `.data` (relative to cwd); null disables. */
  dataDir?: string | null;
  /** Batch jobs: waiting → started after startAfterMs → complete/error after completeAfterMs. Defaults 100 / 400. */
  batch?: { startAfterMs?: number; completeAfterMs?: number };
  /** Delivery-feedback callback (see README). Off unless set. */
  feedback?: FeedbackOptions;
  /**
   * Faults active from the start (the CLI maps env variables here). `delayMs` and the fail rate stand, and
   * `faults.reset()` returns to them; `failNext`, `failNextBatchJob` and `expireTokensAfterMs` happen once.
   */
  initialFaults?: {
    delayMs?: number;
    failRate?: number;
    failRateStatus?: FailStatus;
    /** The first `count` authenticated calls fail with `status` (429 with Retry-After `retryAfterSeconds`). */
    failNext?: { count: number; status: FailStatus; retryAfterSeconds?: number };
    /** The first submitted batch job ends in `error` with this `msg`. */
    failNextBatchJob?: string;
    /** Every token issued until then expires this long after start (a mid-session 401 for a client). */
    expireTokensAfterMs?: number;
  };
  /** Without a dataDir, batch records are kept in memory up to this many bytes (oldest jobs dropped first). Default 64 MiB. */
  batchRecordMemoryBytes?: number;
  /** Body limits: on-demand default 20 MiB, batch (streamed) default 1 GiB. Over the limit → 413. */
  limits?: { onDemandBytes?: number; batchBytes?: number };
  /** Idempotency-Key results (with their PDFs) remembered; the oldest are forgotten first. Default 10,000. */
  idempotencyCacheSize?: number;
  /**
   * Worker threads that render the PDFs (default 1), so rendering never holds up HTTP handling;
   * 0 renders on the event loop.
   */
  renderThreads?: number;
  /** Jobs kept for the runtime API; the oldest are dropped first. Default 50,000. */
  maxJobs?: number;
  /** Most requests kept for GET /__sandbox/requests. Default 5000. */
  maxRecordedRequests?: number;
  logger?: SandboxLogger;
  fetch?: typeof fetch;
  clock?: () => number;
  random?: () => number;
};

export type SandboxFaults = {
  failNext(n: number, status: FailStatus, opts?: { retryAfterSeconds?: number }): void;
  delayNext(n: number, ms: number): void;
  setDelay(ms: number): void;
  /** Fail a share (0..1) of orchestration calls at random with `status` (default 503). */
  setFailRate(rate: number, status?: FailStatus): void;
  expireTokens(): void;
  failNextBatchJob(msg: string): void;
  reset(): void;
};

export type Sandbox = {
  /** The Exstream root, e.g. http://127.0.0.1:4010 (orchestration lives under /orchestration). */
  url: string;
  /** Full OTDS token URL: `${url}/otdsws/oauth2/token`. */
  tokenUrl: string;
  port: number;
  domain: string;
  close(): Promise<void>;
  requests(): RecordedRequest[];
  clearRequests(): void;
  /** Documents (or batch jobs) produced per Idempotency-Key; 1 per key when idempotency holds. */
  countByIdempotencyKey(): Record<string, number>;
  /** Every on-demand / batch request received per Idempotency-Key, repeats included. */
  receivedByIdempotencyKey(): Record<string, number>;
  /** Resolves once every scheduled feedback callback has been posted (or given up). */
  feedbackIdle(): Promise<void>;
  faults: SandboxFaults;
};

const ORCHESTRATION = /^\/orchestration(\/.*)?$/;
// Every token URL shape of exstream-api.md §2, each also under a leading /otds.
const TOKEN_PATHS: RegExp[] = [
  /^(?:\/otds)?\/otdsws\/oauth2\/token$/,
  /^(?:\/otds)?\/otdsws\/otdstenant\/([^/]+)\/oauth2\/token$/,
  /^(?:\/otds)?\/otdstenant\/([^/]+)\/otdsws\/oauth2\/token$/,
  /^(?:\/otds)?\/otdstenant\/([^/]+)\/oauth2\/token$/,
  /^(?:\/otds)?\/otdstenant\/([^/]+)\/otdsws\/login$/,
  /^(?:\/otds)?\/otdsws\/login$/,
];

const VERSION = {
  apiIdentifier: 'orchestration',
  major: 25,
  minor: 2,
  patch: 0,
  versionString: '25.2.0-sandbox',
  details: { appName: 'exstream-sandbox', buildNumber: 'sandbox', timestamp: '2025-01-01T00:00:00Z', git: 'sandbox' },
};

/**
 * Starts a local OpenText Exstream look-alike: OTDS token endpoint, Orchestration on-demand, batch
 * and runtime routes, with fault injection, request inspection and delivery feedback.
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const domains = options.domains && options.domains.length > 0 ? options.domains : ['demo'];
  const dataDir = options.dataDir === undefined ? '.data' : options.dataDir;
  // Strict mode checks ids against the catalog; without one every call would 404, which is a setup mistake.
  if (options.strict && (!options.catalog || options.catalog.length === 0)) {
    throw new Error('startSandbox: strict mode needs a non-empty catalog of communications (options.catalog)');
  }
  const xsrf =
    options.xsrf === true
      ? { cookieName: 'XSRF-TOKEN', headerName: 'X-XSRF-TOKEN' }
      : options.xsrf
        ? { cookieName: options.xsrf.cookieName ?? 'XSRF-TOKEN', headerName: options.xsrf.headerName ?? 'X-XSRF-TOKEN' }
        : null;
  const defaultTenant = options.tenant ?? 'sandbox';
  let baseUrl = '';
  const tokens = await createTokenService({
    clients: options.clients ?? [{ clientId: 'sandbox', clientSecret: 'sandbox-secret' }],
    users: options.users ?? [{ username: 'sandbox-user', password: 'sandbox-password' }],
    ttlSeconds: options.tokenTtlSeconds ?? 900,
    algorithm: options.tokenAlgorithm ?? 'RS256',
    issuer: () => `${baseUrl}/otds/otdsws`,
    defaultTenant,
    clock,
  });
  const { failNext, failNextBatchJob, expireTokensAfterMs, ...standingFaults } = options.initialFaults ?? {};
  const faults = createFaultInjector({ ...standingFaults, random: options.random });
  if (failNext) faults.failNext(failNext.count, failNext.status, failNext.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: failNext.retryAfterSeconds });
  if (failNextBatchJob) faults.failNextBatchJob(failNextBatchJob);
  const timers = new Set<NodeJS.Timeout>();
  const batches = new Map<string, BatchData>();
  const batchRecords = createBatchRecordMemory(options.batchRecordMemoryBytes ?? 64 * 1024 * 1024);
  const ctx: SandboxContext = {
    options: {
      domains,
      domainTenants: options.domainTenants ? new Map(Object.entries(options.domainTenants)) : null,
      defaultTenant,
      strict: options.strict ?? false,
      catalog: options.catalog ?? null,
      channels: options.channels ?? null,
      xsrf,
      documentsDir: dataDir === null ? null : path.resolve(dataDir, 'documents'),
      batch: { startAfterMs: options.batch?.startAfterMs ?? 100, completeAfterMs: options.batch?.completeAfterMs ?? 400 },
      limits: { onDemandBytes: options.limits?.onDemandBytes ?? 20 * 1024 * 1024, batchBytes: options.limits?.batchBytes ?? 1024 * 1024 * 1024 },
      idempotencyCacheSize: options.idempotencyCacheSize ?? 10_000,
    },
    tokens,
    faults,
    jobs: createJobStore({
      clock,
      maxJobs: options.maxJobs,
      onEvict: (id) => {
        batches.delete(id);
        batchRecords.delete(id);
      },
    }),
    log: createRequestLog({ max: options.maxRecordedRequests ?? 5000, secretHeaders: xsrf ? [xsrf.headerName] : [] }),
    renderer: createRenderPool(options.renderThreads ?? 1),
    feedback: options.feedback ? createFeedbackPoster({ ...options.feedback, fetch: options.fetch ?? fetch, logger, clock }) : null,
    logger,
    clock,
    onDemandByKey: new Map(),
    batchByKey: new Map(),
    produced: new Map(),
    received: new Map(),
    empowerDocuments: new Map(),
    fulfillByKey: new Map(),
    batches,
    batchRecords,
    timers,
    later(ms, fn) {
      const t = setTimeout(() => {
        timers.delete(t);
        try {
          fn();
        } catch (err) {
          logger.error('sandbox timer failed', { error: (err as Error).message });
        }
      }, ms);
      t.unref();
      timers.add(t);
    },
  };

  const server = createServer((req, res) => {
    handle(ctx, req, res).catch((err: unknown) => {
      logger.error('sandbox request failed', { method: req.method, path: req.url, error: (err as Error).message });
      if (!res.headersSent) sendSpringError(res, 500, 'Internal Server Error', pathOf(req), { details: `sandbox: ${(err as Error).message}` });
      else res.destroy();
    });
  });
  // Keep-alive sockets from clients must not hold close() open.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (expireTokensAfterMs !== undefined) ctx.later(expireTokensAfterMs, () => tokens.expireAll());
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;
  let closed: Promise<void> | null = null;

  const toRecord = (map: Map<string, number>) => Object.fromEntries(map);
  return {
    url: baseUrl,
    tokenUrl: `${baseUrl}/otdsws/oauth2/token`,
    port: address.port,
    domain: domains[0] ?? 'demo',
    requests: () => ctx.log.all(),
    clearRequests: () => ctx.log.clear(),
    countByIdempotencyKey: () => toRecord(ctx.produced),
    receivedByIdempotencyKey: () => toRecord(ctx.received),
    feedbackIdle: () => ctx.feedback?.idle() ?? Promise.resolve(),
    faults: {
      failNext: (n, status, opts) => faults.failNext(n, status, opts),
      delayNext: (n, ms) => faults.delayNext(n, ms),
      setDelay: (ms) => faults.setDelay(ms),
      setFailRate: (rate, status) => faults.setFailRate(rate, status),
      expireTokens: () => tokens.expireAll(),
      failNextBatchJob: (msg) => faults.failNextBatchJob(msg),
      reset: () => faults.reset(),
    },
    close() {
      closed ??= (async () => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        await ctx.feedback?.close();
        await ctx.renderer.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closed;
    },
  };
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0] ?? '/';
}

async function handle(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.local');
  const pathname = url.pathname.replace(/\/+$/, '') || '/';
  const method = (req.method ?? 'GET').toUpperCase();

  if (pathname === '/__sandbox' || pathname.startsWith('/__sandbox/')) return handleAdmin(ctx, req, res, pathname, method);

  const entry = ctx.log.add({
    time: new Date(ctx.clock()).toISOString(),
    method,
    path: pathname,
    query: Object.fromEntries(url.searchParams),
    headers: ctx.log.redactHeaders(req.headers),
    body: null,
    status: null,
    idempotencyKey: header(req, 'idempotency-key') ?? null,
  });
  res.on('finish', () => {
    entry.status = res.statusCode;
  });

  for (const pattern of TOKEN_PATHS) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    if (method !== 'POST') return sendSpringError(res, 405, `Request method '${method}' is not supported`, pathname, { headers: { allow: 'POST' } });
    return handleToken(ctx, req, res, entry, match[1] ? decodeURIComponent(match[1]) : null);
  }
  if (method === 'GET' && /^(?:\/otds)?\/otdsws\/oauth2\/jwks$/.test(pathname)) return sendJson(res, 200, ctx.tokens.jwks());

  const orchestration = ORCHESTRATION.exec(pathname);
  // The E3 cloud spec lists paths without the /orchestration prefix; accept both.
  const route = orchestration ? (orchestration[1] ?? '/') : pathname.startsWith('/api/v1/') || pathname === '/version' ? pathname : null;
  if (route === null) return sendSpringError(res, 404, 'No endpoint ' + method + ' ' + pathname, pathname);

  const delayMs = ctx.faults.nextDelay();
  if (delayMs > 0) {
    await sleep(delayMs);
    // A client that gave up during the delay must not consume faults scripted for later calls.
    if (res.destroyed || req.socket.destroyed) return;
  }

  const auth = ctx.tokens.verifyBearer(header(req, 'authorization'));
  if (!auth.ok) {
    const wwwAuthenticate = header(req, 'authorization') ? `Bearer error="invalid_token", error_description="${auth.message}"` : 'Bearer';
    return sendSpringError(res, 401, auth.message, pathname, { headers: { 'www-authenticate': wwwAuthenticate } });
  }

  const failure = ctx.faults.nextFailure();
  if (failure) {
    const headers: Record<string, string> = failure.retryAfterSeconds !== null ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
    const message = failure.status === 429 ? 'Too Many Requests' : failure.status === 503 ? 'Service Unavailable' : 'Internal Server Error';
    return sendSpringError(res, failure.status, message, pathname, { details: `java.lang.RuntimeException: sandbox injected fault (${failure.status})`, headers });
  }

  const claims = auth.claims;
  if (method === 'GET' && (route === '/version' || route === '/api/v1/version')) return sendJson(res, 200, VERSION);

  const segments = route.split('/').filter(Boolean).map(decodeURIComponent);
  const [api, v1, area, kind, ...rest] = segments;
  if (api !== 'api' || v1 !== 'v1') return sendSpringError(res, 404, `No endpoint ${method} ${pathname}`, pathname);
  const checkDomain = (domain: string | undefined): domain is string => {
    if (domain === undefined || !ctx.options.domains.includes(domain)) {
      sendJson(res, 404, { status: 'failure', message: `Domain '${domain ?? ''}' not found` });
      return false;
    }
    const tenants = ctx.options.domainTenants;
    if (tenants) {
      const owner = tenants.get(domain) ?? ctx.options.defaultTenant;
      if (claims.tid !== owner) {
        sendSpringError(res, 403, `Access denied: a token of tenant '${claims.tid}' may not use domain '${domain}' (tenant '${owner}')`, pathname);
        return false;
      }
    }
    return true;
  };
  // Spring's CSRF filter runs before any controller, so a channel call without the pair is refused first.
  const checkXsrf = (): boolean => {
    if (!ctx.options.xsrf) return true;
    const problem = checkXsrfPair(req, ctx.options.xsrf);
    if (problem === null) return true;
    sendSpringError(res, 403, problem, pathname);
    return false;
  };

  if (area === 'inputs' && method === 'POST') {
    if (kind === 'ondemand' && rest.length === 2) {
      const [domain, service] = rest;
      if (service !== 'generate' && !checkXsrf()) return;
      if (!checkDomain(domain) || !service) return;
      return handleOnDemand(ctx, { req, res, path: pathname, domain, service, claims, entry });
    }
    if (kind === 'fulfillment' && rest[0] === 'ondemand' && rest[2] === 'fulfill' && rest.length === 3) {
      if (!checkDomain(rest[1])) return;
      return handleFulfill(ctx, { req, res, path: pathname, domain: rest[1], claims, entry });
    }
    if (kind === 'batch' && rest.length === 2) {
      const [domain, service] = rest;
      if (!checkXsrf()) return;
      if (!checkDomain(domain) || !service) return;
      return handleBatchSubmit(ctx, { req, res, path: pathname, domain, service, claims, entry });
    }
  }

  if (area === 'runtime' && rest[0] === 'jobs') {
    const domain = kind;
    if (!checkDomain(domain)) return;
    const [, id, action, index, sub] = rest;
    if (id === undefined && method === 'GET') return handleListJobs(ctx, res, domain, url.searchParams);
    if (id !== undefined && action === undefined && method === 'GET') return handleGetJob(ctx, res, domain, id);
    if (id !== undefined && action === undefined && method === 'DELETE') return handleDeleteJob(ctx, res, domain, id);
    if (id !== undefined && action === 'stop' && index === undefined && method === 'POST') return handleStopJob(ctx, res, domain, id);
    if (id !== undefined && action === 'records' && index === undefined && method === 'GET') return handleListRecords(ctx, res, domain, id, url.searchParams);
    if (id !== undefined && action === 'records' && index !== undefined && /^\d+$/.test(index) && sub === 'document' && method === 'GET') {
      return handleRecordDocument(ctx, res, domain, id, Number(index));
    }
  }

  sendSpringError(res, 404, `No endpoint ${method} ${pathname}`, pathname);
}

async function handleToken(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, entry: RecordedRequest, tenant: string | null): Promise<void> {
  let raw: Buffer;
  try {
    raw = await readBody(req, 64 * 1024);
  } catch (err) {
    if (err instanceof BodyTooLargeError) return sendJson(res, 413, { error: 'invalid_request', error_description: 'Request body too large' });
    throw err;
  }
  const contentType = header(req, 'content-type') ?? '';
  if (/application\/json/i.test(contentType)) {
    // OTDS only takes forms; a JSON body is a client bug worth a clear OAuth error.
    entry.body = { size: raw.length };
    return sendJson(res, 400, { error: 'invalid_request', error_description: 'Token requests must be application/x-www-form-urlencoded' });
  }
  const form = new URLSearchParams(raw.toString('utf8'));
  entry.body = redactFields(Object.fromEntries(form));
  let basic: { clientId: string; clientSecret: string } | null = null;
  const authorization = header(req, 'authorization');
  if (authorization && /^Basic\s+/i.test(authorization)) {
    const decoded = Buffer.from(authorization.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at > 0) basic = { clientId: decodeURIComponent(decoded.slice(0, at)), clientSecret: decodeURIComponent(decoded.slice(at + 1)) };
  }
  const result = ctx.tokens.grant(form, basic, tenant);
  const noStore = { 'cache-control': 'no-store', pragma: 'no-cache' };
  if (result.ok) return sendJson(res, 200, result.body, noStore);
  sendJson(res, result.status, result.body, result.status === 401 ? { ...noStore, 'www-authenticate': 'Basic realm="otds"' } : noStore);
}

async function handleAdmin(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, pathname: string, method: string): Promise<void> {
  if (pathname === '/__sandbox/requests' && method === 'GET') return sendJson(res, 200, ctx.log.all());
  if (pathname === '/__sandbox/requests' && method === 'DELETE') {
    ctx.log.clear();
    res.writeHead(204).end();
    return;
  }
  if (pathname === '/__sandbox/health' && method === 'GET') return sendJson(res, 200, { status: 'ok' });
  if (pathname === '/__sandbox/idempotency' && method === 'GET') {
    return sendJson(res, 200, { produced: Object.fromEntries(ctx.produced), received: Object.fromEntries(ctx.received) });
  }
  if (pathname === '/__sandbox/faults' && method === 'GET') return sendJson(res, 200, ctx.faults.snapshot());
  if (pathname === '/__sandbox/faults' && method === 'POST') {
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, 64 * 1024)).toString('utf8') || '{}');
    } catch (err) {
      return sendSpringError(res, 400, `Invalid faults body: ${(err as Error).message}`, pathname);
    }
    const applied = applyFaults(ctx, body);
    if (!applied.ok) return sendSpringError(res, 400, applied.message, pathname);
    return sendJson(res, 200, { status: 'success', faults: ctx.faults.snapshot() });
  }
  sendSpringError(res, 404, `No endpoint ${method} ${pathname}`, pathname);
}

const FAIL_STATUSES = new Set([500, 503, 429]);

/** Applies a `POST /__sandbox/faults` body; validates everything before changing anything. */
function applyFaults(ctx: SandboxContext, body: unknown): { ok: true } | { ok: false; message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, message: 'Body must be a JSON object' };
  const b = body as Record<string, unknown>;
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 10_000 ? v : null);
  const ms = (v: unknown) => (typeof v === 'number' && v >= 0 && v <= 600_000 ? v : null);
  const steps: Array<() => void> = [];
  if (b.reset === true) steps.push(() => ctx.faults.reset());
  if (b.failNext !== undefined) {
    const f = b.failNext as Record<string, unknown>;
    const n = count(f?.count ?? 1);
    const status = f?.status ?? 500;
    if (n === null || typeof status !== 'number' || !FAIL_STATUSES.has(status)) return { ok: false, message: 'failNext needs { count: int >= 0, status: 500|503|429, retryAfterSeconds? }' };
    const retryAfter = f?.retryAfterSeconds;
    if (retryAfter !== undefined && count(retryAfter) === null) return { ok: false, message: 'failNext.retryAfterSeconds must be a non-negative integer' };
    steps.push(() => ctx.faults.failNext(n, status as FailStatus, retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter as number }));
  }
  if (b.delayNext !== undefined) {
    const d = b.delayNext as Record<string, unknown>;
    const n = count(d?.count ?? 1);
    const delay = ms(d?.ms);
    if (n === null || delay === null) return { ok: false, message: 'delayNext needs { count: int >= 0, ms: 0..600000 }' };
    steps.push(() => ctx.faults.delayNext(n, delay));
  }
  if (b.delayMs !== undefined) {
    const delay = ms(b.delayMs);
    if (delay === null) return { ok: false, message: 'delayMs must be 0..600000' };
    steps.push(() => ctx.faults.setDelay(delay));
  }
  if (b.failRate !== undefined) {
    const rate = b.failRate;
    const status = b.failRateStatus ?? 503;
    if (typeof rate !== 'number' || rate < 0 || rate > 1 || typeof status !== 'number' || !FAIL_STATUSES.has(status)) {
      return { ok: false, message: 'failRate must be 0..1 (failRateStatus 500|503|429)' };
    }
    steps.push(() => ctx.faults.setFailRate(rate, status as FailStatus));
  }
  if (b.expireTokens === true) steps.push(() => ctx.tokens.expireAll());
  if (b.failNextBatchJob !== undefined) {
    if (typeof b.failNextBatchJob !== 'string' || b.failNextBatchJob === '') return { ok: false, message: 'failNextBatchJob must be a non-empty message' };
    const msg = b.failNextBatchJob;
    steps.push(() => ctx.faults.failNextBatchJob(msg));
  }
  for (const step of steps) step();
  return { ok: true };
}
