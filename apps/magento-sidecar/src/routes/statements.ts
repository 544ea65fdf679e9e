import { validationErrorFrom } from '@exstream-connect/core';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SidecarEngine } from '../engine-port.ts';
import { signingStore } from '../request-context.ts';

/** `POST /v1/statements/run`: which period to run; none = the latest that has closed in the store's time zone. */
export const ZStatementRunRequest = z
  .object({
    periodEnd: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected the period\'s last day as YYYY-MM-DD')
      .nullable()
      .optional(),
  })
  .strict();

/**
 * Period-close statements of the signing store: start a run (the engine's worker runs it; the
 * module polls its progress) and list the runs. Every call is scoped by the signing store.
 */
export function registerStatementRoutes(app: FastifyInstance, options: { engine: SidecarEngine }): void {
  app.post('/v1/statements/run', async (request, reply) => {
    const store = signingStore(request);
    const parsed = ZStatementRunRequest.safeParse(request.body ?? {});
    if (!parsed.success) throw validationErrorFrom(parsed.error, 'statement run request');
    const { run, started } = await options.engine.statements.startRun({ id: store.id }, { periodEnd: parsed.data.periodEnd ?? null });
    // 202: queued for the worker; 200: a run of that period was already in progress (nothing new).
    return reply.status(started ? 202 : 200).send({ started, run });
  });

  app.get('/v1/statements/runs', async (request) => {
    const store = signingStore(request);
    return { runs: await options.engine.statements.runs({ id: store.id }) };
  });
}
