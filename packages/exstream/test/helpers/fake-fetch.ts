/** A scripted stand-in for fetch: records every request (body read as text) and answers from a handler. */
export type RecordedCall = {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
  /** True when the body was handed over as a stream (requires `duplex: 'half'`). */
  streamed: boolean;
  duplex: string | undefined;
};

export type FakeHandler = (call: RecordedCall, signal: AbortSignal | undefined) => Response | Promise<Response>;

export type FakeFetch = typeof globalThis.fetch & { calls: RecordedCall[] };

export function createFakeFetch(handler: FakeHandler): FakeFetch {
  const calls: RecordedCall[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit & { duplex?: string }): Promise<Response> => {
    const request = new Request(input, init);
    const call: RecordedCall = {
      method: request.method,
      url: new URL(request.url),
      headers: request.headers,
      body: request.body ? await request.text() : '',
      streamed: init?.body instanceof ReadableStream,
      duplex: init?.duplex,
    };
    calls.push(call);
    return handler(call, init?.signal ?? undefined);
  };
  return Object.assign(fake as typeof globalThis.fetch, { calls });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function tokenResponse(accessToken = 'tok-1', expiresIn = 900): Response {
  return json({ access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn });
}

export const TOKEN_URL = 'http://otds.test/otdsws/oauth2/token';
export const BASE_URL = 'http://exstream.test';
export const CLIENT_SECRET = 'S3cr3t-client-value!';

export function baseConfig(overrides: Record<string, unknown> = {}) {
  return {
    baseUrl: BASE_URL,
    domain: 'demo',
    auth: { tokenUrl: TOKEN_URL, clientId: 'connect', clientSecret: CLIENT_SECRET },
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 },
    ...overrides,
  };
}

/** A logger that keeps every line (message + context as JSON) for assertions. */
export function createMemoryLogger() {
  const lines: string[] = [];
  const push = (level: string) => (msg: string, ctx?: Record<string, unknown>) => {
    lines.push(`${level} ${msg} ${ctx ? JSON.stringify(ctx) : ''}`);
  };
  return { lines, logger: { debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') } };
}

/** A clock and sleep that move together: sleeping advances `now` instantly, and every wait is recorded. */
export function createFakeClock(start = 1_700_000_000_000) {
  let current = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => current,
    advance: (ms: number) => {
      current += ms;
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      current += ms;
    },
  };
}
