import type { LoaderFunctionArgs } from '@remix-run/node';
import { authenticate } from '../shopify.server.ts';

/** OAuth / token-exchange splat (/auth/*): the library does the whole flow and throws redirects. */
export async function loader({ request }: LoaderFunctionArgs) {
  await authenticate.admin(request);
  return null;
}
