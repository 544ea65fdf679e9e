import type { LoaderFunctionArgs } from '@remix-run/node';
import { redirect } from '@remix-run/node';
import { runtime } from '../runtime.server.ts';

/** Public landing: Shopify opens /?shop=…; local mode goes straight to the embedded pages. */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.searchParams.get('shop') || runtime().localShop) throw redirect(`/app?${url.searchParams.toString()}`);
  throw redirect('/auth/login');
}
