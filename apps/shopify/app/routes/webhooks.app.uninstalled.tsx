import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { authenticateWebhook, webhookMethodNotAllowed } from '../lib/authenticate-webhook.server.ts';
import { runtime } from '../runtime.server.ts';
import { sessionStorage } from '../shopify.server.ts';

/**
 * app/uninstalled: drop the shop's sessions (its tokens are already revoked) and mark the store
 * uninstalled. Webhooks can arrive more than once or after the sessions are gone, so every step
 * is safe to repeat; history stays until shop/redact, 48 h later.
 */
export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await authenticateWebhook(request);
  const storage = sessionStorage();
  const sessions = await storage.findSessionsByShop(shop);
  if (sessions.length > 0) await storage.deleteSessions(sessions.map((session) => session.id));
  await runtime().engine.stores.markUninstalled('shopify', shop);
  return new Response(null, { status: 200 });
}

/** GET / HEAD (which Remix routes to a loader, not to the action): 405 with `Allow: POST`. */
export function loader({ request }: LoaderFunctionArgs) {
  return webhookMethodNotAllowed(request);
}
