import type { IncomingHttpHeaders } from 'node:http';

export type RecordedRequest = {
  seq: number;
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON or form body; text (first 2 KB) otherwise; `{ size, records }` for batch bodies. */
  body: unknown;
  status: number | null;
  idempotencyKey: string | null;
};

const REDACTED = '[redacted]';
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'x-xsrf-token', 'x-csrf-token', 'x-exstream-connect-signature', 'proxy-authorization']);
const SECRET_FIELDS = /secret|password|token|authorization/i;

export function redactHeaders(headers: IncomingHttpHeaders, extraSecretHeaders: ReadonlySet<string> = new Set()): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    if (SECRET_HEADERS.has(name) || extraSecretHeaders.has(name)) {
      // Keep the scheme so a reader can tell Bearer from Basic, never the credential.
      const scheme = /^(\w+)\s/.exec(text)?.[1];
      out[name] = scheme && name.endsWith('authorization') ? `${scheme} ${REDACTED}` : REDACTED;
    } else {
      out[name] = text;
    }
  }
  return out;
}

/** Form fields like client_secret / password never reach the log. */
export function redactFields(value: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.test(k) ? REDACTED : v;
  return out;
}

/** Bounded log of received requests, oldest first. `secretHeaders`: more header names to redact (a configured XSRF header). */
export function createRequestLog(options: { max: number; secretHeaders?: string[] }) {
  let entries: RecordedRequest[] = [];
  let seq = 0;
  const extra = new Set((options.secretHeaders ?? []).map((h) => h.toLowerCase()));
  return {
    redactHeaders: (headers: IncomingHttpHeaders) => redactHeaders(headers, extra),
    add(entry: Omit<RecordedRequest, 'seq'>): RecordedRequest {
      const recorded = { seq: ++seq, ...entry };
      entries.push(recorded);
      if (entries.length > options.max) entries = entries.slice(entries.length - options.max);
      return recorded;
    },
    all(): RecordedRequest[] {
      return entries.map((e) => ({ ...e }));
    },
    clear(): void {
      entries = [];
    },
  };
}

export type RequestLog = ReturnType<typeof createRequestLog>;
