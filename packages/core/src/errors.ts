/**
 * One typed error family for the whole product. Core and the engine throw these; the edges
 * (Remix routes, the Fastify sidecar) turn them into HTTP with `httpStatusFor`.
 */
export const ERROR_CODES = {
  /** Input failed validation; `issues` lists each field at fault. → 400 */
  VALIDATION_FAILED: 400,
  /** The request body is not parseable (truncated JSON, wrong encoding). → 400 */
  MALFORMED_BODY: 400,
  /** Wrong content type for the endpoint. → 415 */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** Body larger than the endpoint accepts. → 413 */
  PAYLOAD_TOO_LARGE: 413,
  /** Missing or bad credentials/signature. Same message for every cause so it leaks nothing. → 401 */
  UNAUTHENTICATED: 401,
  /** Authenticated, but the resource belongs to another store. Answered as not found. → 404 */
  NOT_FOUND: 404,
  /** The store is not installed or was uninstalled. → 409 */
  STORE_INACTIVE: 409,
  /** A state change that the status model does not allow. → 409 */
  INVALID_TRANSITION: 409,
  /** The operation conflicts with current state (e.g. resend of a queued communication). → 409 */
  CONFLICT: 409,
  /** Exstream (or another upstream) failed; `retryable` says whether to try again. → 502 */
  UPSTREAM_FAILED: 502,
  /** No Exstream connection or template configured for what was asked. → 422 */
  NOT_CONFIGURED: 422,
  /** A bug or an unexpected state; details are logged, never returned. → 500 */
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export type FieldIssue = {
  /** Dotted path of the field at fault, e.g. `entity.items.0.sku`. Empty for the root. */
  path: string;
  message: string;
};

export type ConnectErrorOptions = {
  /** Text safe to show a merchant or API client. Defaults to the message. */
  userMessage?: string;
  issues?: FieldIssue[];
  retryable?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
};

export class ConnectError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  readonly issues: FieldIssue[];
  readonly retryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ConnectErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectError';
    this.code = code;
    this.userMessage = options.userMessage ?? message;
    this.issues = options.issues ?? [];
    this.retryable = options.retryable ?? false;
    this.details = options.details ?? {};
    Object.setPrototypeOf(this, new.target.prototype);
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code];
  }

  /** The JSON an edge returns. Internal errors never expose their message. */
  toJSON(): { error: { code: ErrorCode; message: string; issues?: FieldIssue[] } } {
    const message = this.code === 'INTERNAL' ? 'Internal error' : this.userMessage;
    return { error: { code: this.code, message, ...(this.issues.length > 0 ? { issues: this.issues } : {}) } };
  }
}

export function isConnectError(error: unknown): error is ConnectError {
  return error instanceof ConnectError;
}

/** Maps any thrown value to an HTTP status; unknown errors are 500. */
export function httpStatusFor(error: unknown): number {
  return isConnectError(error) ? error.httpStatus : 500;
}

/** Wraps an unknown throwable as INTERNAL, keeping ConnectErrors as they are. */
export function toConnectError(error: unknown): ConnectError {
  if (isConnectError(error)) return error;
  return new ConnectError('INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}

/** Builds a VALIDATION_FAILED error whose message names every field at fault. */
export function validationError(issues: FieldIssue[], subject = 'input'): ConnectError {
  const summary = issues
    .slice(0, 5)
    .map((i) => `${i.path || '(root)'}: ${i.message}`)
    .join('; ');
  const more = issues.length > 5 ? ` (+${issues.length - 5} more)` : '';
  return new ConnectError('VALIDATION_FAILED', `Invalid ${subject}: ${summary}${more}`, { issues });
}
