import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeHandler } from '../src/node-request-handler.ts';

// The app's real node:http listener, with a stand-in for the Remix handler that echoes what it got.
let server: Server;
let url: string;
let port: number;
let dir: string;
const errors: unknown[] = [];
const LIMIT = 64 * 1024;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'node-handler-'));
  await mkdir(path.join(dir, 'assets'));
  await writeFile(path.join(dir, 'assets', 'app-123.js'), 'console.log(1)');
  server = createServer(
    createNodeHandler({
      clientDir: dir,
      bodyLimitFor: (pathname) => (pathname.startsWith('/webhooks/') ? LIMIT * 4 : LIMIT),
      onError: (error) => errors.push(error),
      handle: async (request) => {
        if (new URL(request.url).pathname === '/boom') throw new Error('handler bug');
        const body = await request.text();
        return Response.json({ method: request.method, length: body.length, head: body.slice(0, 10) }, { headers: [['set-cookie', 'a=1'], ['set-cookie', 'b=2']] });
      },
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('the Shopify app node:http handler', () => {
  it('passes a body within the limit to the app, whole, and keeps each Set-Cookie header apart', async () => {
    const response = await fetch(`${url}/app/settings`, { method: 'POST', body: 'x'.repeat(LIMIT) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ method: 'POST', length: LIMIT, head: 'xxxxxxxxxx' });
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('answers 413 with a JSON error naming the limit for a declared body over it, after reading it, on a connection that stays usable', async () => {
    const response = await fetch(`${url}/app/settings`, { method: 'POST', body: 'x'.repeat(LIMIT + 1) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: `Request body exceeds the ${LIMIT} byte limit.` } });
    expect(response.headers.get('connection')).not.toBe('close');
  });

  it('counts a chunked body too (no Content-Length to trust)', async () => {
    const chunk = new TextEncoder().encode('y'.repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > LIMIT * 2) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${url}/app/settings`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(413);
  });

  it('allows webhooks their larger limit', async () => {
    const response = await fetch(`${url}/webhooks/commerce`, { method: 'POST', body: 'z'.repeat(LIMIT * 3) });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { length: number }).length).toBe(LIMIT * 3);
  });

  it('refuses a declared body far beyond the limit at once, without reading it, and closes the connection', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(`POST /app/settings HTTP/1.1\r\nHost: x\r\nContent-Length: ${LIMIT * 1000}\r\n\r\n`));
      let data = '';
      socket.on('data', (c) => (data += c.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      setTimeout(() => reject(new Error(`no close; got ${data.slice(0, 100)}`)), 5000);
    });
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received.toLowerCase()).toContain('connection: close');
  });

  it('serves client assets directly and turns a handler crash into a JSON 500 that reveals nothing', async () => {
    const asset = await fetch(`${url}/assets/app-123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log(1)');
    const escape = await fetch(`${url}/assets/..%2f..%2fetc%2fpasswd`);
    // Not served from disk: the path leaves the client build, so the app (the stand-in) answered it.
    expect(await escape.json()).toMatchObject({ method: 'GET' });
    const boom = await fetch(`${url}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(String(errors.at(-1))).toContain('handler bug');
  });
});
