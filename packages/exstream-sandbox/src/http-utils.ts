import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the limit of ${limit} bytes`);
  }
}

/**
 * Buffers a request body up to `limit` bytes. Past the limit it keeps draining (up to 4x) so the
 * client sees the 413 instead of a reset socket, then gives up on the connection.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (tooLarge) {
        if (size > limit * 4) req.destroy();
        return;
      }
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(new BodyTooLargeError(limit)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
    req.on('close', () => {
      if (tooLarge) reject(new BodyTooLargeError(limit));
    });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const payload = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers });
  res.end(payload);
}

export function sendBytes(res: ServerResponse, status: number, body: Uint8Array, contentType: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': String(body.byteLength), ...headers });
  res.end(body);
}

export function sendText(res: ServerResponse, status: number, body: string): void {
  sendBytes(res, status, Buffer.from(body), 'text/plain; charset=utf-8');
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export type SpringError = { timestamp: number; status: number; error: string; message: string; path: string; details?: string };

/** The Spring Boot error body Exstream's services return (exstream-api.md §6). */
export function springError(status: number, message: string, path: string, details?: string): SpringError {
  return { timestamp: Date.now(), status, error: REASONS[status] ?? 'Error', message, path, ...(details === undefined ? {} : { details }) };
}

export function sendSpringError(res: ServerResponse, status: number, message: string, path: string, opts: { details?: string; headers?: Record<string, string> } = {}): void {
  sendJson(res, status, springError(status, message, path, opts.details), opts.headers);
}

/** `GenericResponse` failure: what Orchestration returns for an unknown domain, flow or resource. */
export function sendFailure(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { status: 'failure', message });
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0];
  return value === undefined || value === '' ? undefined : value;
}
