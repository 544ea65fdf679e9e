import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SidecarEngine } from '../engine-port.ts';
import { signingStore } from '../request-context.ts';

const ZParams = z.object({ incrementId: z.string().min(1).max(64) });

export function registerOrderRoutes(app: FastifyInstance, options: { engine: SidecarEngine }): void {
  app.get('/v1/orders/:incrementId/communications', async (request) => {
    const store = signingStore(request);
    const { incrementId } = ZParams.parse(request.params);
    const items = await options.engine.history.forOrder({ id: store.id }, incrementId);
    // The module renders a link per document; it fetches it through this sidecar, signed.
    return { items: items.map((item) => ({ ...item, documentPath: item.hasDocument ? `/v1/documents/${encodeURIComponent(item.id)}` : null })) };
  });
}
