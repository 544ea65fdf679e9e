import { ConnectError } from '@exstream-connect/core';
import { z } from 'zod';

export const ZExstreamErrorKind = z.enum([
  'auth',
  'forbidden',
  'not_found',
  'validation',
  'conflict',
  'rate_limited',
  'server',
  'timeout',
  'network',
]);
export type TExstreamErrorKind = z.infer<typeof ZExstreamErrorKind>;

/** The fields of Exstream's Spring-style error body (API notes §6); all optional because bodies vary. */
export type ExstreamErrorBody = {
  status?: number | string;
  message?: string;
  error?: string;
  details?: string;
  errorCode?: number | string;
  path?: string;
  timestamp?: number | string;
};

export type ExstreamErrorInit = {
  kind: TExstreamErrorKind;
  /** HTTP status, or null when no response arrived (network, timeout). */
  status: number | null;
  operation: string;
  upstream?: ExstreamErrorBody;
  retryable?: boolean;
  retryAfterMs?: number | null;
  attempts?: number;
  cause?: unknown;
  userMessage?: string;
};

const RETRYABLE_KINDS: ReadonlySet<TExstreamErrorKind> = new Set(['rate_limited', 'server', 'timeout', 'network']);

/**
 * Every failure of an Exstream call. `code` is always UPSTREAM_FAILED (→ 502 at an edge); `kind` says what
 * went wrong, `retryable` whether the same call may succeed later, `retryAfterMs` when the server said when.
 * Messages are built from redacted text only: they never carry a secret or a token.
 */
export class ExstreamError extends ConnectError {
  readonly kind: TExstreamErrorKind;
  readonly status: number | null;
  readonly operation: string;
  readonly upstream: ExstreamErrorBody;
  readonly retryAfterMs: number | null;
  readonly attempts: number;

  constructor(message: string, init: ExstreamErrorInit) {
    const retryable = init.retryable ?? RETRYABLE_KINDS.has(init.kind);
    super('UPSTREAM_FAILED', message, {
      retryable,
      cause: init.cause,
      userMessage: init.userMessage ?? defaultUserMessage(init.kind, init.status),
      details: {
        kind: init.kind,
        status: init.status,
        operation: init.operation,
        ...(init.upstream ? { upstream: init.upstream } : {}),
        ...(init.retryAfterMs != null ? { retryAfterMs: init.retryAfterMs } : {}),
      },
    });
    this.name = 'ExstreamError';
    this.kind = init.kind;
    this.status = init.status;
    this.operation = init.operation;
    this.upstream = init.upstream ?? {};
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.attempts = init.attempts ?? 1;
  }
}

export function isExstreamError(error: unknown): error is ExstreamError {
  return error instanceof ExstreamError;
}

/** Which kind an HTTP status means. Other 4xx count as `validation`: the request itself is at fault. */
export function kindForStatus(status: number): TExstreamErrorKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server';
  return 'validation';
}

function defaultUserMessage(kind: TExstreamErrorKind, status: number | null): string {
  const suffix = status ? ` (HTTP ${status})` : '';
  switch (kind) {
    case 'auth':
      return `Exstream rejected the credentials${suffix}. Check the client id, secret and token URL.`;
    case 'forbidden':
      return `The Exstream client is not allowed to do this${suffix}.`;
    case 'not_found':
      return `Exstream could not find the domain, communication or resource${suffix}.`;
    case 'validation':
      return `Exstream rejected the request${suffix}.`;
    case 'conflict':
      return `Exstream reported a conflict${suffix}.`;
    case 'rate_limited':
      return `Exstream is rate limiting requests${suffix}; it will be retried.`;
    case 'server':
      return `Exstream failed${suffix}; it will be retried.`;
    case 'timeout':
      return 'Exstream did not answer in time.';
    case 'network':
      return 'Exstream could not be reached.';
  }
}
