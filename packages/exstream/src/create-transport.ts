import type { TExstreamRetryConfig } from './config.ts';
import type { ResolvedDeps } from './deps.ts';
import { ExstreamError, kindForStatus, type TExstreamErrorKind } from './exstream-error.ts';
import { backoffDelay } from './backoff-delay.ts';
import { parseErrorBody, truncate } from './parse-error-body.ts';
import { parseRetryAfter } from './parse-retry-after.ts';
import type { SecretRedactor } from './redact-secrets.ts';

/**
 * A request body. `replayable` bodies are rebuilt for each attempt; a `stream` body is consumed by the first
 * attempt and is therefore never retried by the client (see the README: the caller resubmits with the same
 * idempotency key).
 */
export type OutgoingBody = string | Uint8Array | ReadableStream<Uint8Array>;

export type TransportBody =
  | { kind: 'replayable'; contentType: string; make: () => OutgoingBody }
  | { kind: 'stream'; contentType: string; stream: ReadableStream<Uint8Array> };

export type TransportRequest = {
  /** Names the call in logs and errors, e.g. `generate`. */
  operation: string;
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: TransportBody;
  signal?: AbortSignal | undefined;
  /** Overrides the client's per-attempt timeout (large streamed uploads). */
  timeoutMs?: number | undefined;
  /** Supplies the bearer token; absent for the token call itself. */
  auth?: BearerAuth;
  /** Overrides the status → kind mapping (the token endpoint maps its 400s to `auth`). */
  classify?: (status: number) => TExstreamErrorKind;
};

export type BearerAuth = {
  get(): Promise<string>;
  /** Drops the given token if it is still the cached one, so the next `get` fetches a new one. */
  invalidate(token: string): void;
};

export type TransportResponse = {
  status: number;
  headers: Headers;
  contentType: string;
  body: Buffer;
};

export type Transport = {
  send(request: TransportRequest): Promise<TransportResponse>;
};

export type TransportOptions = {
  deps: ResolvedDeps;
  retry: TExstreamRetryConfig;
  timeoutMs: number;
  redactor: SecretRedactor;
};

function isRetryableStatus(status: number): boolean {
  // 501/505 say the server will never do this; every other 5xx and 429 may pass later.
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * Upstream exceptions are not attached as-is: their messages (and their own causes) may quote request data.
 * The replacement keeps the name, the redacted message and the errno-style code, which is what debugging needs.
 */
function sanitizedCause(error: unknown, redactor: SecretRedactor): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const inner = (source as Error & { cause?: unknown }).cause;
  const code = inner && typeof inner === 'object' && 'code' in inner ? String((inner as { code: unknown }).code) : undefined;
  const clean = new Error(redactor.redact(source.message));
  clean.name = source.name;
  if (code) Object.assign(clean, { code });
  clean.stack = `${clean.name}: ${clean.message}`;
  return clean;
}

function describeNetworkCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  const code = cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
  return code ? `${error.message} (${code})` : error.message;
}

/**
 * Sends one logical request: timeout per attempt (covering the body), retries with full-jitter backoff on
 * 429/5xx/network/timeout honouring Retry-After, one token refresh after a 401, and errors mapped to
 * ExstreamError with every secret scrubbed.
 */
export function createTransport({ deps, retry, timeoutMs, redactor }: TransportOptions): Transport {
  const log = (level: 'debug' | 'warn', msg: string, ctx: Record<string, unknown>): void => {
    deps.logger[level](msg, redactor.redactValue(ctx));
  };

  const attemptOnce = async (
    request: TransportRequest,
    token: string | undefined,
    body: OutgoingBody | undefined,
  ): Promise<TransportResponse> => {
    const attemptTimeoutMs = request.timeoutMs ?? timeoutMs;
    const timeoutSignal = AbortSignal.timeout(attemptTimeoutMs);
    const signal = request.signal ? AbortSignal.any([timeoutSignal, request.signal]) : timeoutSignal;
    const headers: Record<string, string> = { ...request.headers };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    if (request.body) headers['Content-Type'] = request.body.contentType;
    const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers, signal };
    if (body !== undefined) {
      init.body = body as RequestInit['body'];
      // Node's fetch refuses a stream body without half duplex; it also makes the upload truly streamed.
      if (body instanceof ReadableStream) init.duplex = 'half';
    }
    try {
      const response = await deps.fetch(request.url, init);
      // Read inside the same signal, so a server that stalls mid-body also times out.
      const bytes = Buffer.from(await response.arrayBuffer());
      return {
        status: response.status,
        headers: response.headers,
        contentType: response.headers.get('content-type') ?? '',
        body: bytes,
      };
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      if (timeoutSignal.aborted) {
        throw new ExstreamError(`Exstream ${request.operation} timed out after ${attemptTimeoutMs} ms`, {
          kind: 'timeout',
          status: null,
          operation: request.operation,
          cause: sanitizedCause(error, redactor),
        });
      }
      throw new ExstreamError(
        redactor.redact(`Exstream ${request.operation} could not reach the server: ${describeNetworkCause(error)}`),
        { kind: 'network', status: null, operation: request.operation, cause: sanitizedCause(error, redactor) },
      );
    }
  };

  const errorFromResponse = (request: TransportRequest, response: TransportResponse): ExstreamError => {
    const kind = (request.classify ?? kindForStatus)(response.status);
    // Redact before parsing (truncation could otherwise cut a secret in half and keep its head) and after
    // (JSON escapes hide a secret from the raw-text pass).
    const upstream = redactor.redactValue(parseErrorBody(redactor.redact(response.body.toString('utf8'))));
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), deps.now());
    const summary = upstream.message ?? upstream.error ?? upstream.details;
    const message = redactor.redact(
      `Exstream ${request.operation} failed: HTTP ${response.status}${summary ? ` ${truncate(summary, 200)}` : ''}`,
    );
    return new ExstreamError(message, {
      kind,
      status: response.status,
      operation: request.operation,
      upstream,
      retryable: isRetryableStatus(response.status),
      retryAfterMs,
    });
  };

  const send = async (request: TransportRequest): Promise<TransportResponse> => {
    const replayable = request.body?.kind !== 'stream';
    let attempt = 0;
    let refreshedAfter401 = false;
    for (;;) {
      attempt += 1;
      const token = request.auth ? await request.auth.get() : undefined;
      const body =
        request.body === undefined ? undefined : request.body.kind === 'stream' ? request.body.stream : request.body.make();
      const started = deps.now();
      let failure: ExstreamError;
      try {
        const response = await attemptOnce(request, token, body);
        log('debug', 'exstream request', {
          operation: request.operation,
          method: request.method,
          path: new URL(request.url).pathname,
          status: response.status,
          attempt,
          ms: deps.now() - started,
        });
        if (response.status >= 200 && response.status < 300) return response;
        if (response.status === 401 && request.auth && token !== undefined && !refreshedAfter401 && replayable) {
          // The token may have expired or been revoked early: fetch a new one once; a second 401 is final.
          refreshedAfter401 = true;
          request.auth.invalidate(token);
          attempt -= 1;
          log('debug', 'exstream token rejected; refreshing once', { operation: request.operation });
          continue;
        }
        failure = errorFromResponse(request, response);
        if (response.status === 401 && request.auth && token !== undefined && !replayable) {
          // A streamed body cannot be sent twice; drop the token so the caller's resubmission gets a new one.
          request.auth.invalidate(token);
          failure = withAttempts(failure, attempt, true);
        }
      } catch (error) {
        if (!(error instanceof ExstreamError)) throw error;
        failure = error;
      }

      const retryAfterMs = failure.retryAfterMs;
      const canRetry =
        failure.retryable &&
        replayable &&
        attempt < retry.maxAttempts &&
        (retryAfterMs === null || retryAfterMs <= retry.maxRetryAfterMs);
      if (!canRetry) throw withAttempts(failure, attempt);
      const waitMs =
        retryAfterMs ?? backoffDelay({ attempt, baseDelayMs: retry.baseDelayMs, maxDelayMs: retry.maxDelayMs, random: deps.random });
      log('warn', 'exstream retrying', {
        operation: request.operation,
        kind: failure.kind,
        status: failure.status,
        attempt,
        delayMs: waitMs,
      });
      await deps.sleep(waitMs, request.signal);
    }
  };

  return { send };
}

function withAttempts(error: ExstreamError, attempts: number, retryable = error.retryable): ExstreamError {
  if (error.attempts === attempts && error.retryable === retryable) return error;
  return new ExstreamError(error.message, {
    kind: error.kind,
    status: error.status,
    operation: error.operation,
    upstream: error.upstream,
    retryable,
    retryAfterMs: error.retryAfterMs,
    attempts,
    cause: error.cause,
    userMessage: error.userMessage,
  });
}
