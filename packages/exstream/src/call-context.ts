import { randomUUID } from 'node:crypto';
import { validationError } from '@exstream-connect/core';
import type { z } from 'zod';
import type { TExstreamClientConfig } from './config.ts';
import type { BearerAuth, Transport, TransportResponse } from './create-transport.ts';
import type { ResolvedDeps } from './deps.ts';
import { ExstreamError } from './exstream-error.ts';
import { truncate } from './parse-error-body.ts';
import type { SecretRedactor } from './redact-secrets.ts';

/** What every operation needs; built once per client by `createExstreamClient`. */
export type CallContext = {
  config: TExstreamClientConfig;
  deps: ResolvedDeps;
  transport: Transport;
  auth: BearerAuth;
  redactor: SecretRedactor;
  xsrfToken: string | null;
};

export function createCallContext(parts: Omit<CallContext, 'xsrfToken'>): CallContext {
  const { xsrf } = parts.config;
  return { ...parts, xsrfToken: xsrf.enabled ? (xsrf.token ?? randomUUID()) : null };
}

/** `{baseUrl}{orchestrationPath}/api/v1{path}`; path segments must already be encoded. */
export function orchestrationUrl(ctx: CallContext, path: string, query?: Record<string, string | number | boolean | undefined>): string {
  const base = ctx.config.baseUrl.replace(/\/+$/, '');
  const prefix = ctx.config.orchestrationPath.replace(/\/+$/, '');
  const url = new URL(`${base}${prefix}/api/v1${path}`);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, String(v));
  }
  return url.toString();
}

export function seg(value: string): string {
  return encodeURIComponent(value);
}

// Printable ASCII without separators that proxies mangle; long enough for "<communication uuid>:<attempt>".
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** Headers of every on-demand and batch input call: the idempotency key and, when enabled, the XSRF pair. */
export function inputHeaders(ctx: CallContext, idempotencyKey: string): Record<string, string> {
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw validationError([{ path: 'idempotencyKey', message: 'must be 1-255 printable ASCII characters without spaces' }], 'Exstream call');
  }
  const headers: Record<string, string> = { 'Idempotency-Key': idempotencyKey };
  if (ctx.xsrfToken !== null) {
    headers[ctx.config.xsrf.headerName] = ctx.xsrfToken;
    headers.Cookie = `${ctx.config.xsrf.cookieName}=${ctx.xsrfToken}`;
  }
  return headers;
}

/** Parses operation input with zod, turning failures into VALIDATION_FAILED naming each field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, subject: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    subject,
  );
}

/** A success response whose body is not what the contract says: an upstream fault, not ours. */
export function unexpectedResponse(ctx: CallContext, operation: string, response: TransportResponse, why: string): ExstreamError {
  const text = ctx.redactor.redact(response.body.toString('utf8'));
  return new ExstreamError(`Exstream ${operation} returned an unexpected response (HTTP ${response.status}): ${why}`, {
    kind: 'server',
    status: response.status,
    operation,
    upstream: { details: truncate(text) },
    retryable: false,
  });
}

export function readJson(ctx: CallContext, operation: string, response: TransportResponse): unknown {
  try {
    return JSON.parse(response.body.toString('utf8'));
  } catch {
    throw unexpectedResponse(ctx, operation, response, 'body is not JSON');
  }
}

/** Unwraps `{status, data}` (DataResponse) when present. */
export function unwrapData(body: unknown): unknown {
  if (body && typeof body === 'object' && !Array.isArray(body) && 'data' in body) return (body as { data: unknown }).data;
  return body;
}
