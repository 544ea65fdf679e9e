import type { ExstreamErrorBody } from './exstream-error.ts';

/** Upstream text kept in errors is capped: stack traces from Java services run to many kilobytes. */
export const MAX_DETAILS_CHARS = 500;

export function truncate(text: string, max = MAX_DETAILS_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more chars)` : text;
}

function asText(value: unknown): string | undefined {
  if (value == null) return undefined;
  if (typeof value === 'string') return truncate(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return truncate(JSON.stringify(value));
}

/**
 * Reads an error response body into Exstream's error fields. Handles the Spring-style JSON
 * (`{timestamp,status,message,error,details,errorCode,path}`), OAuth errors (`error_description`), the
 * `{status:"error", data:[…]}` data envelope, `GenericResponse` and bodies that are not JSON at all (kept,
 * truncated, in `details`). The caller redacts secrets first.
 */
export function parseErrorBody(text: string): ExstreamErrorBody {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { details: truncate(trimmed) };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { details: truncate(trimmed) };
  const body = parsed as Record<string, unknown>;
  const out: ExstreamErrorBody = {};
  if (typeof body.status === 'number' || typeof body.status === 'string') out.status = body.status;
  const message = asText(body.message) ?? asText(body.error_description) ?? asText(body.msg);
  if (message !== undefined) out.message = message;
  const error = asText(body.error);
  if (error !== undefined) out.error = error;
  const details = asText(body.details) ?? (Array.isArray(body.data) ? asText(body.data) : undefined);
  if (details !== undefined) out.details = details;
  if (typeof body.errorCode === 'number' || typeof body.errorCode === 'string') out.errorCode = body.errorCode;
  if (typeof body.path === 'string') out.path = body.path;
  if (typeof body.timestamp === 'number' || typeof body.timestamp === 'string') out.timestamp = body.timestamp;
  return out;
}
