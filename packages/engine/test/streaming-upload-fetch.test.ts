import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamingUploadFetch } from '../src/streaming-upload-fetch.ts';

describe('streamingUploadFetch', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json', 'x-seen-type': String(req.headers['content-type']) });
        res.end(JSON.stringify({ bytes, method: req.method, auth: req.headers.authorization ?? null }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/upload`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('uploads a stream body chunk by chunk, pulling only what the socket takes, and answers like fetch', async () => {
    const chunk = new Uint8Array(16 * 1024).fill(120);
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled === 300) return controller.close();
        pulled++;
        controller.enqueue(chunk);
      },
    });
    const doFetch = streamingUploadFetch(async () => {
      throw new Error('a stream body must not reach the base fetch');
    });
    const response = await doFetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/x-ndjson', Authorization: 'Bearer t' }, duplex: 'half' } as RequestInit);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-seen-type')).toBe('application/x-ndjson');
    expect(await response.json()).toEqual({ bytes: 300 * 16 * 1024, method: 'POST', auth: 'Bearer t' });
    expect(pulled).toBe(300);
  });

  it('leaves other requests to the base fetch', async () => {
    const seen: string[] = [];
    const doFetch = streamingUploadFetch(async (input) => {
      seen.push(String(input));
      return new Response('{}', { status: 200 });
    });
    await doFetch(url, { method: 'POST', body: '{"a":1}' });
    expect(seen).toEqual([url]);
  });

  it('rejects when the signal aborts the upload', async () => {
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        controller.abort(new Error('stop'));
        c.enqueue(new Uint8Array(1024));
      },
    });
    await expect(streamingUploadFetch()(url, { method: 'POST', body, signal: controller.signal, duplex: 'half' } as RequestInit)).rejects.toThrow();
  });
});
