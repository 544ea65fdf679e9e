import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMagentoSidecar } from '../src/app.ts';
import { createFakeEngine } from './helpers/fake-engine.ts';
import { createSignedClient } from './helpers/signed-client.ts';
import { startStack, type Stack } from './helpers/start-stack.ts';

/** Resolves with the value, or rejects after `ms` naming what did not arrive. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${ms} ms`)), ms))),
  ]);
}

describe('GET /v1/documents/{id} streams the file', () => {
  it('sends the first bytes before the rest of the document exists (nothing is buffered whole)', async () => {
    const head = Buffer.from('%PDF-1.7\n');
    const tail = Buffer.from('1 0 obj << >> endobj\n%%EOF\n');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const stream = Readable.from(
      (async function* () {
        yield head;
        // The rest only comes once the client has shown it already received the head.
        await gate;
        yield tail;
      })(),
    );
    const engine = createFakeEngine({ openStream: async () => ({ contentType: 'application/pdf', fileName: 'invoice-000000142.pdf', size: head.length + tail.length, stream }) });
    const sidecar = await startMagentoSidecar({ engine, port: 0, host: '127.0.0.1' });
    try {
      const signedFetch = createSignedClient(sidecar.url, { storeKey: 'fake-store', secret: 'fake-secret' });
      const response = await within(signedFetch('GET', `/v1/documents/${randomUUID()}`), 5_000, 'the response headers');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(response.headers.get('content-length')).toBe(String(head.length + tail.length));
      const reader = response.body!.getReader();
      const first = await within(reader.read(), 5_000, 'the first chunk');
      expect(Buffer.from(first.value!).toString()).toBe(head.toString());
      release();
      const rest: Buffer[] = [];
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest.push(Buffer.from(chunk.value));
      expect(Buffer.concat(rest).toString()).toBe(tail.toString());
    } finally {
      release();
      await sidecar.close();
    }
  });
});

describe('documents from the real engine', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ name: 'pglite' }, { worker: false });
  });
  afterAll(async () => stack?.close());

  it("serves a large stored PDF byte for byte with its length, and only to its own store", async () => {
    const own = await stack.registerStore('docs-a', 'docs-a-secret-0123456789');
    await stack.registerStore('docs-b', 'docs-b-secret-0123456789');
    // 6 MiB: several times the stream's buffer, so a whole-file read would show as one big chunk.
    const body = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(6 * 1024 * 1024)]);
    const relative = path.join(own.id, 'big.pdf');
    await mkdir(path.join(stack.documentsDir, own.id), { recursive: true });
    await writeFile(path.join(stack.documentsDir, relative), body);
    const row = await stack.db.prisma.communication.create({
      data: { storeId: own.id, businessKey: 'docs:1', orderRef: '000000142', orderNumber: '000000142', documentType: 'invoice', channel: 'email', status: 'sent', idempotencyKey: `docs-${randomUUID()}`, documentPath: relative },
    });

    const response = await stack.client('docs-a', 'docs-a-secret-0123456789')('GET', `/v1/documents/${row.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(body.length));
    expect(response.headers.get('content-disposition')).toBe('inline; filename="invoice-000000142.pdf"');
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);

    const foreign = await stack.client('docs-b', 'docs-b-secret-0123456789')('GET', `/v1/documents/${row.id}`);
    expect(foreign.status).toBe(404);
    const other = await stack.engine.stores.find('magento', 'docs-b');
    expect(await stack.engine.documents.openStream(other!, row.id)).toBeNull();
  });

  it('answers 404 when the file is gone, before any byte of a body is sent', async () => {
    const own = await stack.engine.stores.find('magento', 'docs-a');
    const row = await stack.db.prisma.communication.create({
      data: { storeId: own!.id, businessKey: 'docs:2', documentType: 'invoice', channel: 'email', status: 'sent', idempotencyKey: `docs-${randomUUID()}`, documentPath: path.join(own!.id, 'missing.pdf') },
    });
    const response = await stack.client('docs-a', 'docs-a-secret-0123456789')('GET', `/v1/documents/${row.id}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Document not found.' } });
  });
});
