import { authenticate } from '../shopify.server.ts';

export type WebhookContext = Awaited<ReturnType<typeof authenticate.webhook>>;

/** The headers `authenticate.webhook` requires, in the order it checks them. */
const REQUIRED_HEADERS = ['X-Shopify-Topic', 'X-Shopify-Shop-Domain', 'X-Shopify-API-Version', 'X-Shopify-Webhook-Id'] as const;
/** Shopify's newer "events" deliveries carry the same fields without the X- prefix. */
const EVENTS_HMAC = 'Shopify-Hmac-Sha256';
const WEBHOOKS_HMAC = 'X-Shopify-Hmac-Sha256';

type WebhookErrorCode = 'METHOD_NOT_ALLOWED' | 'MALFORMED_BODY' | 'VALIDATION_FAILED' | 'UNAUTHENTICATED';

/** The JSON every webhook 4xx carries, so a developer replaying a delivery sees what is wrong. */
export function webhookError(status: number, code: WebhookErrorCode, message: string, init: { issues?: Array<{ path: string; message: string }>; headers?: Record<string, string> } = {}): Response {
  const issues = init.issues && init.issues.length > 0 ? { issues: init.issues } : {};
  return Response.json({ error: { code, message, ...issues } }, { status, ...(init.headers ? { headers: init.headers } : {}) });
}

/**
 * 405 for a webhook route. GET and HEAD reach a route's `loader`, never its `action` (where
 * `authenticate.webhook` refuses other methods), so without this every webhook route would answer
 * Remix's bodiless 400 "no loader" instead.
 */
export function webhookMethodNotAllowed(request: Request): Response {
  return webhookError(405, 'METHOD_NOT_ALLOWED', `method ${request.method} is not allowed: webhooks are delivered with POST`, { headers: { Allow: 'POST' } });
}

/**
 * `authenticate.webhook` (HMAC over the raw body; 405/401/400 thrown as Responses with empty
 * bodies) with two gaps closed:
 * - every 4xx the library throws is replaced by one with the same status and a JSON body naming
 *   the problem (missing header, empty body, signature mismatch). The library does not say which
 *   check failed, so the request is diagnosed again from a clone: the statuses stay exactly the
 *   library's (401 for a bad HMAC, compliance topics included, as App Review requires);
 * - a correctly signed body that is not JSON makes the library's JSON.parse throw, which would be
 *   a 500 and eight pointless retries; it is a 400.
 * Neither the expected signature nor the secret is ever part of an answer.
 */
export async function authenticateWebhook(request: Request): Promise<WebhookContext> {
  // Cloned before the library consumes the body; only read again when a check failed.
  const copy = request.method === 'POST' && request.body !== null ? request.clone() : null;
  try {
    return await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) {
      if (error.status >= 400 && error.status < 500) throw await describeRejection(error.status, request, copy);
      throw error;
    }
    if (error instanceof SyntaxError) throw webhookError(400, 'MALFORMED_BODY', 'body is not valid JSON');
    throw error;
  }
}

async function describeRejection(status: number, request: Request, copy: Request | null): Promise<Response> {
  const { headers } = request;
  if (status === 405) return webhookMethodNotAllowed(request);
  const body = copy ? new Uint8Array(await copy.arrayBuffer().catch(() => new ArrayBuffer(0))) : new Uint8Array(0);
  if (status === 401) {
    // Signatures are verified over the body's UTF-8 text: bytes that are not UTF-8 cannot match.
    const note = isUtf8(body) ? '' : ' (the body is not valid UTF-8)';
    return webhookError(401, 'UNAUTHENTICATED', `HMAC signature does not match${note}`);
  }
  const events = !headers.get(WEBHOOKS_HMAC) && Boolean(headers.get(EVENTS_HMAC));
  if (body.length === 0) return webhookError(status, 'MALFORMED_BODY', 'body is empty');
  if (!headers.get(WEBHOOKS_HMAC) && !events) return missingHeaders(status, [WEBHOOKS_HMAC]);
  const names = REQUIRED_HEADERS.map((name) => (events ? name.slice(2) : name));
  const missing = names.filter((name) => !headers.get(name));
  if (missing.length > 0) return missingHeaders(status, missing);
  return webhookError(status, 'VALIDATION_FAILED', 'webhook request refused: its headers are incomplete');
}

function missingHeaders(status: number, names: string[]): Response {
  const message = `missing header${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
  return webhookError(status, 'VALIDATION_FAILED', message, { issues: names.map((name) => ({ path: `headers.${name}`, message: 'required' })) });
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The delivery's idempotency key: the merchant action's event id, else the delivery id. */
export function webhookEventId(context: WebhookContext): string {
  const eventId = 'eventId' in context ? context.eventId : undefined;
  return eventId || context.webhookId;
}
