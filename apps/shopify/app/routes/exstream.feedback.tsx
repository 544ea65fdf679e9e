import type { ActionFunctionArgs } from '@remix-run/node';
import { asConnectError, errorResponse } from '../lib/error-response.server.ts';
import { runtime } from '../runtime.server.ts';

/**
 * Delivery-feedback callback (delivered / opened / bounced / opted_out) that the merchant's Exstream
 * output flow — or the sandbox — posts to. Not a Shopify request: it is authenticated by the
 * engine with the X-Exstream-Connect-Signature HMAC over the raw body (timing-safe, 300 s window).
 * A Shopify-only deployment points its Exstream callback here; the Magento sidecar has the same
 * endpoint at /v1/exstream/feedback.
 */
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== 'POST') return new Response(null, { status: 405, headers: { Allow: 'POST' } });
  const { engine, logger } = runtime();
  const rawBody = await request.text();
  try {
    const result = await engine.feedback.handleCallback(rawBody, request.headers.get('x-exstream-connect-signature') ?? undefined);
    return Response.json(result, { status: 200 });
  } catch (error) {
    const connect = asConnectError(error);
    if (!connect || connect.httpStatus >= 500) logger.error('Delivery feedback could not be applied', { error: String(error) });
    return errorResponse(error);
  }
}

export function loader() {
  return new Response(null, { status: 405, headers: { Allow: 'POST' } });
}
