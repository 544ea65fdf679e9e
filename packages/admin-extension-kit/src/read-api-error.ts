import { ConnectError, ERROR_CODES, type ErrorCode } from '@exstream-connect/core';
import { ZApiErrorBody } from './timeline-entry.ts';

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    // Proxies and crashes answer HTML or nothing: the status alone then picks the code.
    return undefined;
  }
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'UNAUTHENTICATED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 400 || status === 422) return 'VALIDATION_FAILED';
  if (status >= 500) return 'UPSTREAM_FAILED';
  return 'INTERNAL';
}

/**
 * Turns a non-2xx answer of the app into a ConnectError. The app's `{ error: { code, message } }`
 * body wins when present, so the merchant sees the server's explanation (e.g. "communication is
 * still being sent"); otherwise the HTTP status picks the code. Retrying makes sense for 5xx and
 * 429 only.
 */
export async function readApiError(response: Response, subject: string): Promise<ConnectError> {
  const text = await response.text().catch(() => '');
  const parsed = ZApiErrorBody.safeParse(parseJsonOrUndefined(text));
  const retryable = response.status >= 500 || response.status === 429;
  const details = { status: response.status };
  if (parsed.success) {
    const { code, message, issues } = parsed.data.error;
    return new ConnectError(isErrorCode(code) ? code : codeForStatus(response.status), `${subject} failed (HTTP ${response.status} ${code}): ${message}`, {
      userMessage: message,
      issues: issues ?? [],
      retryable,
      details: { ...details, serverCode: code },
    });
  }
  return new ConnectError(codeForStatus(response.status), `${subject} failed: HTTP ${response.status}`, { retryable, details });
}
