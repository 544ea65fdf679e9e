import { PassThrough } from 'node:stream';
import { renderToPipeableStream } from 'react-dom/server';
import { RemixServer } from '@remix-run/react';
import { createReadableStreamFromReadable, type ActionFunctionArgs, type EntryContext, type LoaderFunctionArgs } from '@remix-run/node';
import { maskEmailsInText } from '@exstream-connect/core';
import { isbot } from 'isbot';
import { addDocumentResponseHeaders } from './shopify.server.ts';
import { runtime } from './runtime.server.ts';

export const streamTimeout = 5000;

export default async function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext) {
  // CSP frame-ancestors and the other headers Shopify's admin requires for embedding.
  addDocumentResponseHeaders(request, responseHeaders);
  const callbackName = isbot(request.headers.get('user-agent') ?? '') ? 'onAllReady' : 'onShellReady';

  return new Promise<Response>((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set('Content-Type', 'text/html');
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        handleError(error, { request, params: {}, context: {} });
      },
    });
    setTimeout(abort, streamTimeout + 1000);
  });
}

/**
 * Remix calls this for every error a loader or action throws (not for thrown Responses). Its
 * default prints the whole error to the console, message and all, and messages can quote submitted
 * data: here they go through the app's logger with email addresses masked, one structured line each.
 */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs): void {
  // A client that went away (navigation, closed tab) is not an error of ours.
  if (request.signal.aborted) return;
  const err = error instanceof Error ? error : new Error(String(error));
  const path = new URL(request.url).pathname;
  const context = { method: request.method, path, type: err.name, stack: maskEmailsInText(err.stack ?? '').split('\n').slice(0, 6).join('\n') };
  try {
    runtime().logger.error(`request failed: ${maskEmailsInText(err.message)}`, context);
  } catch {
    // No runtime (a misconfigured start): still say something, still masked.
    console.error(`request failed: ${maskEmailsInText(err.message)}`, context);
  }
}
