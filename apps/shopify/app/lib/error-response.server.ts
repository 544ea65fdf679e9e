import { ConnectError, isConnectError } from '@exstream-connect/core';

/**
 * Duck-typed as well as `instanceof`: in the production build the engine (created by the
 * composition root) and the routes may hold different copies of @exstream-connect/core.
 */
export function asConnectError(error: unknown): ConnectError | null {
  if (isConnectError(error)) return error;
  if (error && typeof error === 'object' && (error as { name?: unknown }).name === 'ConnectError' && typeof (error as { code?: unknown }).code === 'string') {
    const e = error as ConnectError;
    return new ConnectError(e.code, e.message, { userMessage: e.userMessage, issues: e.issues, retryable: e.retryable });
  }
  return null;
}

/**
 * The edge translation for API and resource routes: Responses thrown by the Shopify library pass
 * through untouched; ConnectErrors become their JSON with the mapped status; anything else is a
 * 500 that says nothing about internals.
 */
export function errorResponse(error: unknown, wrap: (response: Response) => Response = (r) => r): Response {
  if (error instanceof Response) return error;
  const connect = asConnectError(error);
  if (connect) return wrap(Response.json(connect.toJSON(), { status: connect.httpStatus }));
  return wrap(Response.json({ error: { code: 'INTERNAL', message: 'Internal error' } }, { status: 500 }));
}

