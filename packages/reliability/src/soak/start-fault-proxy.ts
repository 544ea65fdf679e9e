import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Prng } from '../create-prng.ts';

export type FaultKind = '500' | '503' | '429' | 'lost-response' | 'hang';
export const FAULT_KINDS: readonly FaultKind[] = ['500', '503', '429', 'lost-response', 'hang'];

/** Every Orchestration call the proxy saw for one Idempotency-Key, in order. */
export type KeyHistory = {
  requests: number;
  /** Per request: the fault injected, or the status Exstream answered (`error` if the upstream call failed). */
  outcomes: Array<FaultKind | number | 'error'>;
  firstAt: number;
  lastAt: number;
};

export type FaultProxyStats = {
  /** Orchestration calls (generate, fulfil, batch: anything under /orchestration/ but the job lookups). */
  calls: number;
  /** Of those, calls that carried no Idempotency-Key (the engine must send one on every call). */
  unkeyed: number;
  byKey: ReadonlyMap<string, KeyHistory>;
  injected: Record<FaultKind, number>;
  /** Calls and distinct keys seen while the fail rate was above 0. */
  window: { calls: number; keys: number; faulted: number };
};

export type FaultProxy = {
  url: string;
  /** Share of Orchestration calls that fail (0 turns faults off). */
  setFailRate(rate: number): void;
  failRate(): number;
  /** Distinct idempotency keys seen so far (how far through the Exstream calls the run is). */
  keysSeen(): number;
  stats(): FaultProxyStats;
  injected(): Record<FaultKind, number>;
  close(): Promise<void>;
};

export type FaultProxyOptions = {
  target: string;
  prng: Prng;
  /**
   * How long a "hang" holds the call before dropping it, if the client has not given up by then.
   * Longer than the engine's 30 s per-attempt timeout, so the client's timeout is what ends it;
   * bounded, so a client without a timeout cannot stall the run. Default 45 s.
   */
  hangMs?: number;
};

/** Calls that produce something (and so carry an Idempotency-Key); job lookups (GET) are reads. */
const isProducingCall = (req: IncomingMessage) => req.method === 'POST' && (req.url ?? '').startsWith('/orchestration/');

/**
 * A proxy in front of the sandbox that fails a share of the Orchestration calls the engine makes,
 * each kind equally likely: 500 / 503 / 429 (with Retry-After) answered without reaching Exstream;
 * a lost response (the call reaches Exstream and produces the document, the answer is dropped:
 * the worst case for duplicates); and a hang (no answer until the client's own timeout, dropped
 * after `hangMs`). It records every producing call per Idempotency-Key with what happened to it,
 * so the soak can tell a repeat the faults explain from one nothing explains. The token endpoint
 * and the sandbox admin are never faulted.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const hangMs = options.hangMs ?? 45_000;
  let failRate = 0;
  let calls = 0;
  let unkeyed = 0;
  const window = { calls: 0, keys: new Set<string>(), faulted: 0 };
  const byKey = new Map<string, KeyHistory>();
  const injected: Record<FaultKind, number> = { '500': 0, '503': 0, '429': 0, 'lost-response': 0, hang: 0 };
  const held = new Set<ServerResponse>();

  const record = (key: string | null, outcome: KeyHistory['outcomes'][number]) => {
    if (!key) return;
    const now = Date.now();
    const history = byKey.get(key);
    if (!history) byKey.set(key, { requests: 1, outcomes: [outcome], firstAt: now, lastAt: now });
    else {
      history.requests++;
      history.outcomes.push(outcome);
      history.lastAt = now;
    }
  };

  const forward = (req: IncomingMessage, body: Buffer, onResponse: (status: number, headers: IncomingMessage['headers'], payload: Buffer) => void, onError: (e: Error) => void) => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => onResponse(res.statusCode ?? 502, res.headers, Buffer.concat(chunks)));
        res.on('error', onError);
      },
    );
    upstream.on('error', onError);
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const producing = isProducingCall(req);
      const keyHeader = req.headers['idempotency-key'];
      const key = producing ? (Array.isArray(keyHeader) ? keyHeader[0] : keyHeader) ?? null : null;
      if (producing) {
        calls++;
        if (!key) unkeyed++;
        if (failRate > 0) {
          window.calls++;
          if (key) window.keys.add(key);
        }
      }
      const reply = (status: number, headers: IncomingMessage['headers'], payload: Buffer) => {
        if (res.destroyed) return;
        const clean = { ...headers };
        delete clean['transfer-encoding'];
        delete clean['content-length'];
        delete clean.connection;
        res.writeHead(status, { ...clean, 'content-length': String(payload.length) });
        res.end(payload);
      };
      const faultable = (req.url ?? '').startsWith('/orchestration/');
      if (faultable && failRate > 0 && options.prng.chance(failRate)) {
        const kind = options.prng.pick(FAULT_KINDS);
        injected[kind]++;
        if (producing) {
          window.faulted++;
          record(key, kind);
        }
        const spring = (status: number, error: string) =>
          Buffer.from(JSON.stringify({ timestamp: new Date().toISOString(), status, error, message: error, path: req.url }));
        switch (kind) {
          case '500':
            return reply(500, { 'content-type': 'application/json' }, spring(500, 'Internal Server Error'));
          case '503':
            return reply(503, { 'content-type': 'application/json' }, spring(503, 'Service Unavailable'));
          case '429':
            return reply(429, { 'content-type': 'application/json', 'retry-after': '1' }, spring(429, 'Too Many Requests'));
          case 'lost-response':
            // Exstream does the work; the connection drops before the answer arrives.
            return forward(req, body, () => res.destroy(), () => res.destroy());
          case 'hang': {
            held.add(res);
            const drop = setTimeout(() => res.destroy(), hangMs);
            res.on('close', () => {
              clearTimeout(drop);
              held.delete(res);
            });
            return forward(req, body, () => undefined, () => undefined);
          }
        }
      }
      forward(
        req,
        body,
        (status, headers, payload) => {
          if (producing) record(key, status);
          reply(status, headers, payload);
        },
        () => {
          if (producing) record(key, 'error');
          if (!res.destroyed) res.writeHead(502).end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setFailRate: (rate) => {
      failRate = rate;
    },
    failRate: () => failRate,
    keysSeen: () => byKey.size,
    stats: () => ({ calls, unkeyed, byKey, injected: { ...injected }, window: { calls: window.calls, keys: window.keys.size, faulted: window.faulted } }),
    injected: () => ({ ...injected }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
