import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SidecarEngine } from '../engine-port.ts';
import { signingStore } from '../request-context.ts';

export const FEEDBACK_PAGE_MAX = 500;

const ZQuery = z.object({
  after: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(FEEDBACK_PAGE_MAX).optional(),
});

export function registerFeedbackRoutes(app: FastifyInstance, options: { engine: SidecarEngine }): void {
  // The module pulls delivery outcomes and consent changes, so the sidecar never needs Magento
  // admin credentials to write them back.
  app.get('/v1/feedback', async (request) => {
    const store = signingStore(request);
    const query = ZQuery.parse(request.query);
    return options.engine.feedback.since({ id: store.id }, query.after, query.limit);
  });
}
