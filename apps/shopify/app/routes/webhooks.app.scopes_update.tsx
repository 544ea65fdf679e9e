import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { authenticateWebhook, webhookMethodNotAllowed } from '../lib/authenticate-webhook.server.ts';
import { sessionStorage } from '../shopify.server.ts';

/** app/scopes_update: keep the stored offline session's scope equal to what the merchant granted. */
export async function action({ request }: ActionFunctionArgs) {
  const { payload, session } = await authenticateWebhook(request);
  const current = (payload as { current?: unknown }).current;
  if (session && Array.isArray(current)) {
    session.scope = current.map(String).join(',');
    await sessionStorage().storeSession(session);
  }
  return new Response(null, { status: 200 });
}

/** GET / HEAD (which Remix routes to a loader, not to the action): 405 with `Allow: POST`. */
export function loader({ request }: LoaderFunctionArgs) {
  return webhookMethodNotAllowed(request);
}
