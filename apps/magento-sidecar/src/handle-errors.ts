import { ConnectError, isConnectError, maskEmailsInText, validationErrorFrom } from '@exstream-connect/core';
import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as FastifyError).code === 'string' && (error as FastifyError).code.startsWith('FST_');
}

/**
 * Maps whatever a route or Fastify itself threw onto the single error family: bad input is
 * always a 4xx naming the problem, everything else a 500 whose details stay in the log.
 */
export function toHttpError(error: unknown, bodyLimit: number): ConnectError | null {
  if (isConnectError(error)) return error;
  if (error instanceof z.ZodError) return validationErrorFrom(error, 'request');
  if (isFastifyError(error) && error.statusCode !== undefined && error.statusCode < 500) {
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new ConnectError('PAYLOAD_TOO_LARGE', `Request body exceeds the ${bodyLimit} byte limit.`);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new ConnectError('UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json.');
      default:
        // Fastify's own 4xx messages describe the request, not our internals ("Body cannot be empty…").
        return new ConnectError(error.statusCode === 404 ? 'NOT_FOUND' : 'MALFORMED_BODY', error.message);
    }
  }
  return null;
}

export function registerErrorHandling(app: FastifyInstance, options: { bodyLimit: number }): void {
  app.setErrorHandler((error, request, reply) => {
    const known = toHttpError(error, options.bodyLimit);
    if (known && known.httpStatus < 500) {
      // Client mistakes are routine: log the code, not the message (it may quote submitted data).
      request.log.info({ code: known.code, status: known.httpStatus }, 'request rejected');
      return reply.status(known.httpStatus).send(known.toJSON());
    }
    const err = error instanceof Error ? error : new Error(String(error));
    request.log.error(
      {
        err: { type: err.name, code: known?.code, message: maskEmailsInText(err.message), stack: maskEmailsInText(err.stack ?? '') },
        request: { method: request.method, route: request.routeOptions.url ?? null },
      },
      'request failed',
    );
    // UPSTREAM_FAILED (502) and friends carry a safe userMessage; anything unknown is hidden.
    const status = known?.httpStatus ?? 500;
    const body = known && known.code !== 'INTERNAL' ? known.toJSON() : { error: { code: 'INTERNAL', message: 'Internal error' } };
    return reply.status(status).send({ error: { ...body.error, requestId: request.id } });
  });

  app.setNotFoundHandler((_request, reply) => {
    return reply.status(404).send(new ConnectError('NOT_FOUND', 'Route not found.').toJSON());
  });
}
