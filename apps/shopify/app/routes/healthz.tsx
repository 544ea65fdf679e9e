import { runtime } from '../runtime.server.ts';

/** GET /healthz: the process is up and the app is wired to an engine. */
export async function loader() {
  const { localShop } = runtime();
  return Response.json({ ok: true, app: 'shopify', localMode: localShop !== null });
}
