import { ConnectError } from '@exstream-connect/core';
import type { FastifyInstance } from 'fastify';
import type { SidecarEngine } from '../engine-port.ts';
import { SIGNATURE_HEADER } from '../verify-signature.ts';

export function registerExstreamFeedbackRoute(app: FastifyInstance, options: { engine: SidecarEngine }): void {
  // Posted by Exstream (or the sandbox), not by a store: the engine verifies its own HMAC
  // (t + "." + rawBody) with the feedback secret, over the bytes exactly as received.
  app.post('/v1/exstream/feedback', async (request) => {
    if (!request.rawBody || request.rawBody.length === 0) {
      throw new ConnectError('MALFORMED_BODY', 'A JSON feedback document is required.', { issues: [{ path: '', message: 'Required' }] });
    }
    const header = request.headers[SIGNATURE_HEADER];
    return options.engine.feedback.handleCallback(request.rawBody.toString('utf8'), Array.isArray(header) ? undefined : header);
  });
}
