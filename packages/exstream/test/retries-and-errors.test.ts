import { describe, expect, it } from 'vitest';
import { ConnectError } from '@exstream-connect/core';
import { backoffDelay, createExstreamClient, type ExstreamError, isExstreamError, parseRetryAfter } from '../src/index.ts';
import { baseConfig, createFakeClock, createFakeFetch, json, TOKEN_URL, tokenResponse } from './helpers/fake-fetch.ts';

const VERSION = { versionString: '25.2.0' };

/** Answers the token endpoint normally and the API with the scripted responses in order, then VERSION. */
function scripted(responses: Array<() => Response | Promise<Response>>) {
  let i = 0;
  return createFakeFetch(async (call) => {
    if (call.url.href === TOKEN_URL) return tokenResponse();
    const next = responses[i++];
    if (!next) return json(VERSION);
    return next();
  });
}

const apiCalls = (fetch: { calls: { url: URL }[] }) => fetch.calls.filter((c) => c.url.href !== TOKEN_URL);

async function failure(promise: Promise<unknown>): Promise<ExstreamError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  if (!isExstreamError(error)) throw error;
  return error;
}

describe('retries', () => {
  it('retries a 500 twice and then succeeds, waiting with full jitter', async () => {
    // GIVEN two 500s then success, and a jitter source of 0.5
    const clock = createFakeClock();
    const err500 = () => json({ timestamp: 1, status: 500, message: 'Internal Server Error', details: 'java.lang.RuntimeException: boom' }, 500);
    const fetch = scripted([err500, err500]);
    const client = createExstreamClient(baseConfig(), { fetch, now: clock.now, sleep: clock.sleep, random: () => 0.5 });
    // WHEN
    const version = await client.getVersion();
    // THEN three attempts; waits are random × min(max, base × 2^(n-1)) = 0.5×100, 0.5×200
    expect(version.versionString).toBe('25.2.0');
    expect(apiCalls(fetch)).toHaveLength(3);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('honours Retry-After in seconds on a 429', async () => {
    const clock = createFakeClock();
    const fetch = scripted([() => json({ status: 429, message: 'Too Many Requests' }, 429, { 'retry-after': '7' })]);
    const client = createExstreamClient(baseConfig(), { fetch, now: clock.now, sleep: clock.sleep, random: () => 0.99 });
    await client.getVersion();
    expect(clock.sleeps).toEqual([7000]);
    expect(apiCalls(fetch)).toHaveLength(2);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const clock = createFakeClock(Date.parse('2026-11-22T10:00:00Z'));
    const fetch = scripted([() => json({}, 503, { 'retry-after': 'Sun, 22 Nov 2026 10:00:03 GMT' })]);
    const client = createExstreamClient(baseConfig(), { fetch, now: clock.now, sleep: clock.sleep });
    await client.getVersion();
    expect(clock.sleeps).toEqual([3000]);
  });

  it('does not wait out a Retry-After above maxRetryAfterMs: it throws rate_limited with retryAfterMs', async () => {
    const clock = createFakeClock();
    const fetch = scripted([() => json({}, 429, { 'retry-after': '3600' })]);
    const client = createExstreamClient(baseConfig(), { fetch, now: clock.now, sleep: clock.sleep });
    const error = await failure(client.getVersion());
    expect(error.kind).toBe('rate_limited');
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(clock.sleeps).toEqual([]);
  });

  it('never retries a 400 and keeps the Spring error fields', async () => {
    const clock = createFakeClock();
    const fetch = scripted([
      () => json({ timestamp: 1, status: 400, error: 'Bad Request', message: 'communicationId header missing', errorCode: 309001, path: '/x' }, 400),
    ]);
    const client = createExstreamClient(baseConfig(), { fetch, now: clock.now, sleep: clock.sleep });
    const error = await failure(client.getVersion());
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.kind).toBe('validation');
    expect(error.status).toBe(400);
    expect(error.retryable).toBe(false);
    expect(error.upstream).toMatchObject({ status: 400, error: 'Bad Request', message: 'communicationId header missing', errorCode: 309001 });
    expect(error.message).toContain('communicationId header missing');
    expect(apiCalls(fetch)).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it.each([
    [403, 'forbidden', false],
    [404, 'not_found', false],
    [409, 'conflict', false],
    [422, 'validation', false],
    [502, 'server', true],
  ] as const)('maps HTTP %i to kind %s (retryable %s)', async (status, kind, retryable) => {
    const clock = createFakeClock();
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : json({ status, message: 'x' }, status)));
    const client = createExstreamClient(baseConfig({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }), {
      fetch,
      now: clock.now,
      sleep: clock.sleep,
    });
    const error = await failure(client.getVersion());
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(retryable);
    expect(apiCalls(fetch)).toHaveLength(retryable ? 2 : 1);
    expect(error.attempts).toBe(retryable ? 2 : 1);
  });

  it('keeps a non-JSON error body, truncated, in details', async () => {
    const clock = createFakeClock();
    const html = `<html><body>${'Bad header value '.repeat(100)}</body></html>`;
    const fetch = scripted([() => new Response(html, { status: 400, headers: { 'content-type': 'text/html' } })]);
    const client = createExstreamClient(baseConfig(), { fetch, now: clock.now, sleep: clock.sleep });
    const error = await failure(client.getVersion());
    expect(error.upstream.details?.startsWith('<html><body>Bad header value')).toBe(true);
    expect(error.upstream.details?.length).toBeLessThan(html.length);
    expect(error.upstream.details).toContain('more chars');
  });

  it('retries network errors and reports kind network when they persist', async () => {
    const clock = createFakeClock();
    const refused = () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) }));
    const fetch = createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : refused()));
    const client = createExstreamClient(baseConfig({ retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 } }), {
      fetch,
      now: clock.now,
      sleep: clock.sleep,
      random: () => 1,
    });
    const error = await failure(client.getVersion());
    expect(error.kind).toBe('network');
    expect(error.status).toBeNull();
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.attempts).toBe(3);
    expect(clock.sleeps).toEqual([10, 20]);
  });

  it('surfaces a timeout as kind timeout when the server never answers', async () => {
    // GIVEN a server that waits until the request is aborted
    const hang = (signal: AbortSignal | undefined) =>
      new Promise<Response>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
    const fetch = createFakeFetch((call, signal) => (call.url.href === TOKEN_URL ? tokenResponse() : hang(signal)));
    const clock = createFakeClock();
    const client = createExstreamClient(baseConfig({ timeoutMs: 30, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }), {
      fetch,
      sleep: clock.sleep,
    });
    // WHEN / THEN
    const error = await failure(client.getVersion());
    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(true);
    expect(error.attempts).toBe(2);
    expect(error.message).toContain('timed out after 30 ms');
  });

  it('rethrows the caller abort reason without retrying', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const fetch = createFakeFetch((call, signal) => {
      if (call.url.href === TOKEN_URL) return tokenResponse();
      controller.abort(reason);
      return Promise.reject(signal?.reason);
    });
    const clock = createFakeClock();
    const client = createExstreamClient(baseConfig(), { fetch, sleep: clock.sleep });
    await expect(client.getVersion({ signal: controller.signal })).rejects.toBe(reason);
    expect(apiCalls(fetch)).toHaveLength(1);
  });
});

describe('retry helpers', () => {
  it('parseRetryAfter reads seconds and dates and ignores garbage', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter('0.5', 0)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:01 GMT', 4000)).toBe(0);
    expect(parseRetryAfter('soon', 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });

  it('backoffDelay is a full-jitter pick under the capped exponential', () => {
    expect(backoffDelay({ attempt: 1, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 })).toBe(99);
    expect(backoffDelay({ attempt: 4, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 })).toBe(400);
    expect(backoffDelay({ attempt: 10, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 })).toBe(500);
    expect(backoffDelay({ attempt: 3, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0 })).toBe(0);
  });
});
