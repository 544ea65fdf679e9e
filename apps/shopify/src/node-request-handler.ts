import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves a file from the client build if the path names one; hashed assets are immutable. */
export async function serveStatic(clientDir: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  if (pathname === '/' || pathname.includes('\0')) return false;
  const file = path.join(clientDir, pathname);
  // path.join normalises `..`: anything outside the client build is not ours to serve.
  if (!file.startsWith(clientDir + path.sep)) return false;
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
    'Cache-Control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
  });
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await pipeline(createReadStream(file), res);
  return true;
}

/** Webhook bodies (a large order) may be big; nothing else the app accepts comes near 1 MiB. */
export const WEBHOOK_BODY_LIMIT = 5 * 1024 * 1024;
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function bodyLimitFor(pathname: string): number {
  return pathname.startsWith('/webhooks/') ? WEBHOOK_BODY_LIMIT : DEFAULT_BODY_LIMIT;
}

export type ReadBodyResult = { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'aborted' };

/**
 * Reads a request body into memory up to `limit` bytes (declared or chunked alike), so no route
 * ever parses more than that. Past the limit the rest is read and dropped (up to 16 × the limit)
 * before the 413 goes out: answering while the client still uploads races the connection's
 * teardown, and the client may then see a reset instead of the answer. Beyond that it stops
 * reading: a client must not make the app ingest arbitrary amounts of data.
 */
export function readBodyWithinLimit(req: IncomingMessage, limit: number): Promise<ReadBodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    const drainCap = limit * 16;
    if (declared > drainCap) {
      resolve({ ok: false, reason: 'too_large' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else chunks.length = 0;
      if (size > drainCap) {
        req.pause();
        resolve({ ok: false, reason: 'too_large' });
      }
    });
    req.once('end', () => resolve(tooLarge ? { ok: false, reason: 'too_large' } : { ok: true, body: Buffer.concat(chunks, size) }));
    req.once('error', () => resolve({ ok: false, reason: 'aborted' }));
    req.once('aborted', () => resolve({ ok: false, reason: 'aborted' }));
  });
}

/** node:http IncomingMessage → fetch Request, with the body already read (see readBodyWithinLimit). */
export function toWebRequest(req: IncomingMessage, origin: string, body: Buffer | null): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(name, v));
    else if (value !== undefined) headers.set(name, value);
  }
  const controller = new AbortController();
  req.socket.once('close', () => controller.abort());
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD' && body !== null;
  return new Request(new URL(req.url ?? '/', origin), {
    method,
    headers,
    signal: controller.signal,
    ...(hasBody ? { body: new Uint8Array(body) } : {}),
  });
}

export type NodeHandlerOptions = {
  handle: (request: Request) => Promise<Response>;
  clientDir: string;
  onError: (error: unknown, req: IncomingMessage) => void;
  bodyLimitFor?: (pathname: string) => number;
};

/** The app's node:http listener: static client assets, then the Remix handler with bounded bodies. */
export function createNodeHandler(options: NodeHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limitFor = options.bodyLimitFor ?? bodyLimitFor;
  return (req, res) => {
    void (async () => {
      try {
        if (await serveStatic(options.clientDir, req, res)) return;
        const origin = `http://${req.headers.host ?? 'localhost'}`;
        let body: Buffer | null = null;
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          const limit = limitFor(new URL(req.url ?? '/', origin).pathname);
          const read = await readBodyWithinLimit(req, limit);
          if (!read.ok) {
            if (read.reason === 'aborted') return void res.destroy();
            const closing = req.readableEnded ? {} : { Connection: 'close' };
            res.writeHead(413, { 'Content-Type': 'application/json', ...closing });
            res.end(JSON.stringify({ error: { code: 'PAYLOAD_TOO_LARGE', message: `Request body exceeds the ${limit} byte limit.` } }));
            return;
          }
          body = read.body;
        }
        await sendWebResponse(res, await options.handle(toWebRequest(req, origin, body)));
      } catch (error) {
        options.onError(error, req);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'Internal error' } }));
      }
    })();
  };
}

/** fetch Response → node:http, keeping multiple Set-Cookie headers apart. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, response.statusText, headers);
  if (!response.body) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as never), res);
}
