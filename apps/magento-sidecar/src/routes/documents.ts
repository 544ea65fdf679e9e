import { ConnectError } from '@exstream-connect/core';
import type { FastifyInstance } from 'fastify';
import type { SidecarEngine } from '../engine-port.ts';
import { parseCommunicationId } from '../communication-id.ts';
import { signingStore } from '../request-context.ts';

function safeFileName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
  return cleaned === '' ? 'document.pdf' : cleaned;
}

export function registerDocumentRoutes(app: FastifyInstance, options: { engine: SidecarEngine }): void {
  app.get('/v1/documents/:id', async (request, reply) => {
    const store = signingStore(request);
    const id = parseCommunicationId(request.params, 'Document');
    // Scoped by the signing store: another store's id is indistinguishable from a missing one.
    // Streamed from disk: a large PDF never sits in memory whole.
    const document = await options.engine.documents.openStream({ id: store.id }, id);
    if (!document) throw new ConnectError('NOT_FOUND', 'Document not found.');
    return reply
      .header('content-type', document.contentType)
      .header('content-length', String(document.size))
      .header('content-disposition', `inline; filename="${safeFileName(document.fileName)}"`)
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .send(document.stream);
  });
}
