import { ConnectError } from '@exstream-connect/core';
import type * as z from 'zod/mini';
import { readApiError } from './read-api-error.ts';

export type RequestAppJsonOptions = {
  /** Injected for tests; in an admin extension the global fetch adds the ID token itself. */
  fetch?: typeof fetch;
  method?: 'GET' | 'POST';
  body?: unknown;
  signal?: AbortSignal;
  /** Names the call in error messages, e.g. "Loading communications". */
  subject: string;
};

/**
 * One JSON round trip to the app backend: every failure (network, non-2xx, non-JSON, a body
 * that does not match the contract) comes back as a ConnectError the UI can show.
 */
export async function requestAppJson<TSchema extends z.ZodMiniType>(path: string, schema: TSchema, options: RequestAppJsonOptions): Promise<z.infer<TSchema>> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const init: RequestInit = { method: options.method ?? 'GET', headers: { Accept: 'application/json' } };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
  }
  if (options.signal) init.signal = options.signal;

  let response: Response;
  try {
    response = await doFetch(path, init);
  } catch (cause) {
    if (options.signal?.aborted) throw cause;
    throw new ConnectError('UPSTREAM_FAILED', `${options.subject} failed: the app could not be reached`, { cause, retryable: true });
  }
  if (!response.ok) throw await readApiError(response, options.subject);

  let json: unknown;
  try {
    json = await response.json();
  } catch (cause) {
    throw new ConnectError('UPSTREAM_FAILED', `${options.subject} failed: the app answered HTTP ${response.status} with a body that is not JSON`, { cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    const summary = issues.slice(0, 3).map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
    throw new ConnectError('UPSTREAM_FAILED', `${options.subject} failed: unexpected answer from the app (${summary})`, { issues });
  }
  return parsed.data;
}
