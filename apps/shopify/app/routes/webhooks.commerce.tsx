import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { normaliseShopifyTopic } from '@exstream-connect/core';
import { authenticateWebhook, webhookEventId, webhookMethodNotAllowed } from '../lib/authenticate-webhook.server.ts';
import { asConnectError } from '../lib/error-response.server.ts';
import { runtime } from '../runtime.server.ts';

/**
 * Every commerce topic of shopify.app.toml lands here: verify, hand to engine.accept (which stores
 * and enqueues in one transaction), answer 200. The work happens in the engine's worker, so the
 * answer takes milliseconds, well inside Shopify's 5 s budget.
 *
 * Status policy (Shopify retries any non-2xx 8 times over 4 hours):
 * - 405 / 401 / 400 come from the HMAC and header checks;
 * - VALIDATION_FAILED (a payload our mapper rejects) → 200 with a logged warning naming only the
 *   field paths: a retry carries the same payload and can never succeed. The engine stores the
 *   rejected event durably (state `failed`, issues as lastError) so it is never lost;
 * - unknown or uninstalled store → 200 (after an uninstall, deliveries still in flight are moot);
 * - anything else (database down...) → 500 so that Shopify retries.
 */
export async function action({ request }: ActionFunctionArgs) {
  const context = await authenticateWebhook(request);
  const { engine, logger } = runtime();
  const topic = normaliseShopifyTopic(context.topic);
  const eventId = webhookEventId(context);
  const triggered = 'triggeredAt' in context && context.triggeredAt ? new Date(context.triggeredAt) : null;
  // When Shopify fired the event (retries keep it), so late deliveries are dated correctly.
  const receivedAt = triggered && !Number.isNaN(triggered.getTime()) ? triggered : new Date();
  // recordRejected: a payload the mapper refuses is still answered 200 (below), so the engine
  // keeps it as a `failed` InboundEvent naming the fields; otherwise it would only live in a log.
  const input = { platform: 'shopify' as const, storeKey: context.shop, eventId, topic, payload: context.payload, receivedAt, recordRejected: true };
  try {
    try {
      await engine.accept(input);
    } catch (error) {
      // The install hook normally creates the store; a signed delivery for a shop we hold an
      // offline session for proves the install, so create it and try once more.
      if (asConnectError(error)?.code === 'NOT_FOUND' && context.session) {
        await engine.stores.ensureShopifyShop(context.shop);
        await engine.accept(input);
      } else {
        throw error;
      }
    }
    return new Response(null, { status: 200 });
  } catch (error) {
    const connect = asConnectError(error);
    if (connect?.code === 'VALIDATION_FAILED') {
      logger.warn('Shopify webhook rejected by the mapper; acknowledged so Shopify stops retrying', {
        shop: context.shop,
        topic,
        eventId,
        issues: connect.issues.map((issue) => issue.path).slice(0, 20),
      });
      return new Response(null, { status: 200, headers: { 'X-Exstream-Connect-Rejected': 'validation' } });
    }
    if (connect?.code === 'NOT_FOUND' || connect?.code === 'STORE_INACTIVE') {
      logger.info('Shopify webhook for an unknown or uninstalled shop ignored', { shop: context.shop, topic, code: connect.code });
      return new Response(null, { status: 200 });
    }
    logger.error('Shopify webhook could not be accepted; Shopify will retry', { shop: context.shop, topic, error: String(error) });
    return new Response(null, { status: 500 });
  }
}

/** GET / HEAD (which Remix routes to a loader, not to the action): 405 with `Allow: POST`. */
export function loader({ request }: LoaderFunctionArgs) {
  return webhookMethodNotAllowed(request);
}
