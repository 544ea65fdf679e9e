import type { FastifyInstance } from 'fastify';
import type { SidecarEngine } from '../engine-port.ts';
import { parseCommunicationId } from '../communication-id.ts';
import { signingStore } from '../request-context.ts';

export function registerCommunicationRoutes(app: FastifyInstance, options: { engine: SidecarEngine }): void {
  app.post('/v1/communications/:id/resend', async (request, reply) => {
    const store = signingStore(request);
    const id = parseCommunicationId(request.params, 'Communication');
    const result = await options.engine.resend({ id: store.id }, id);
    return reply.status(202).send({ communicationId: result.communicationId });
  });
}
