import { connect, type AddressInfo, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { createFakeEngine } from './helpers/fake-engine.ts';

const LIMIT = 64 * 1024;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(): Promise<number> {
  app = buildApp({ engine: createFakeEngine(), bodyLimit: LIMIT });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

/** A raw HTTP/1.1 connection, so the test controls when each byte of the body goes out. */
function open(port: number): Promise<{ socket: Socket; received: () => string; closed: () => boolean; waitFor: (text: string) => Promise<void> }> {
  return new Promise((resolve, reject) => {
    let data = '';
    let ended = false;
    const waiters: Array<() => void> = [];
    const socket = connect(port, '127.0.0.1', () =>
      resolve({
        socket,
        received: () => data,
        closed: () => ended,
        waitFor: (text) =>
          new Promise<void>((done, fail) => {
            const timer = setTimeout(() => fail(new Error(`timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(data.slice(0, 200))}`)), 5000);
            const check = () => {
              if (data.includes(text)) {
                clearTimeout(timer);
                done();
              } else waiters.push(check);
            };
            check();
          }),
      }),
    );
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      waiters.splice(0).forEach((w) => w());
    });
    socket.on('end', () => (ended = true));
    socket.on('close', () => (ended = true));
    socket.on('error', reject);
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bodies declared over the limit', () => {
  it('GIVEN a Content-Length over the limit THEN the 413 comes only once the whole body is sent, and the connection stays usable', async () => {
    const port = await start();
    const conn = await open(port);
    const size = LIMIT * 3;
    conn.socket.write(`POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
    // Most of the body, slowly: nothing may be answered yet (an early answer races the upload).
    for (let sent = 0; sent < size - 1024; sent += 16 * 1024) {
      conn.socket.write('x'.repeat(Math.min(16 * 1024, size - 1024 - sent)));
      await pause(10);
    }
    await pause(100);
    expect(conn.received()).toBe('');
    conn.socket.write('x'.repeat(1024));
    await conn.waitFor('PAYLOAD_TOO_LARGE');
    expect(conn.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(conn.received().toLowerCase()).not.toContain('connection: close');
    // Keep-alive: the same connection serves the next request.
    conn.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await conn.waitFor('HTTP/1.1 200');
    conn.socket.destroy();
  });

  it('GIVEN a Content-Length beyond what the sidecar will read THEN 413 at once and the connection is closed', async () => {
    const port = await start();
    const conn = await open(port);
    conn.socket.write(`POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${LIMIT * 1000}\r\n\r\n`);
    await conn.waitFor('PAYLOAD_TOO_LARGE');
    expect(conn.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(conn.received().toLowerCase()).toContain('connection: close');
    await pause(200);
    expect(conn.closed()).toBe(true);
  });

  it('GIVEN a body within the limit THEN it is not held back', async () => {
    const port = await start();
    const response = await fetch(`http://127.0.0.1:${port}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    // Unsigned: refused by authentication, which proves the request went past the drain hook.
    expect(response.status).toBe(401);
  });
});
