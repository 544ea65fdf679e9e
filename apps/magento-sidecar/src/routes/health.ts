import type { FastifyInstance } from 'fastify';

export function registerHealthRoute(app: FastifyInstance, options: { ping?: (() => Promise<unknown>) | undefined }): void {
  app.get('/healthz', async (request, reply) => {
    if (!options.ping) return { status: 'ok' };
    try {
      await options.ping();
      return { status: 'ok', database: 'ok' };
    } catch (error) {
      request.log.error({ err: { type: error instanceof Error ? error.name : 'unknown' } }, 'health check: database unreachable');
      return reply.status(503).send({ status: 'unavailable', database: 'unreachable' });
    }
  });
}
