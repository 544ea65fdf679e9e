import { ConnectError, ZMagentoEventEnvelope, validationErrorFrom } from '@exstream-connect/core';
import type { FastifyInstance } from 'fastify';
import type { SidecarEngine } from '../engine-port.ts';
import { signingStore } from '../request-context.ts';

export function registerEventRoutes(app: FastifyInstance, options: { engine: SidecarEngine }): void {
  // Idempotent by the envelope id: an exact replay is answered 200 duplicate, not refused (the
  // module itself retries with a fresh signature; a proxy retrying the same bytes is harmless).
  app.post('/v1/events', { config: { replaySafe: true } }, async (request, reply) => {
    const store = signingStore(request);
    if (request.body === undefined) {
      throw new ConnectError('MALFORMED_BODY', 'A JSON event envelope is required.', { issues: [{ path: '', message: 'Required' }] });
    }
    // The envelope is checked here (cheap, names every field); the entity itself is checked in
    // depth by the engine's Magento mapper, whose VALIDATION_FAILED issues carry `entity.…` paths.
    const parsed = ZMagentoEventEnvelope.safeParse(request.body);
    if (!parsed.success) throw validationErrorFrom(parsed.error, 'event envelope');
    const { id, event } = parsed.data;
    const result = await options.engine.accept({
      platform: 'magento',
      storeKey: store.storeKey,
      eventId: id,
      topic: event,
      payload: request.body,
    });
    return reply.status(result.status === 'accepted' ? 202 : 200).send({
      status: result.status,
      id,
      inboundEventId: result.inboundEventId,
      eventKinds: result.eventKinds,
    });
  });
}
