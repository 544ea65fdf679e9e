import { ConnectError } from '@exstream-connect/core';
import type { FastifyInstance } from 'fastify';
import type { SidecarEngine } from '../engine-port.ts';
import { signingStore } from '../request-context.ts';

export function registerSettingsRoutes(app: FastifyInstance, options: { engine: SidecarEngine }): void {
  app.get('/v1/settings', async (request) => {
    const store = signingStore(request);
    return options.engine.settings.get({ id: store.id });
  });

  app.put('/v1/settings', async (request) => {
    const store = signingStore(request);
    if (request.body === undefined) {
      throw new ConnectError('MALFORMED_BODY', 'A JSON settings document is required.', { issues: [{ path: '', message: 'Required' }] });
    }
    // The engine validates (paths in VALIDATION_FAILED) and keeps the stored secret when omitted.
    return options.engine.settings.update({ id: store.id }, request.body);
  });

  app.post('/v1/settings/test', async (request) => {
    const store = signingStore(request);
    return options.engine.settings.testConnection({ id: store.id });
  });
}
