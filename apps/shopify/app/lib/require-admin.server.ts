import type { Session } from '@shopify/shopify-api';
import { authenticate, sessionStorage } from '../shopify.server.ts';
import { runtime } from '../runtime.server.ts';
import type { StoreInfo } from '@exstream-connect/engine';
import { verifySignedDownload } from './signed-download-url.server.ts';

export type AdminContext = {
  session: Session;
  /** CORS wrapper for responses to admin UI extensions (identity in local mode). */
  cors: (response: Response) => Response;
  store: StoreInfo;
  localMode: boolean;
};

let warnedLocal = false;

/**
 * `authenticate.admin` plus the engine store of the authenticated shop. In local mode
 * (SHOPIFY_LOCAL_MODE=1, refused in production by loadEnv) a request WITHOUT an Authorization
 * header acts as the demo shop's offline session, so the embedded pages open outside Shopify's
 * admin; a request that carries a Bearer token is always verified.
 */
export async function requireAdmin(request: Request): Promise<AdminContext> {
  const rt = runtime();
  if (rt.localShop && !request.headers.has('authorization')) {
    const session = await sessionStorage().loadSession(`offline_${rt.localShop}`);
    if (!session) throw new Response(`Local mode: no offline session stored for ${rt.localShop} (seed the demo shop first)`, { status: 503 });
    if (!warnedLocal) {
      rt.logger.warn('Local mode: embedded pages are authenticated as the demo shop, not by Shopify', { shop: rt.localShop });
      warnedLocal = true;
    }
    return { session, cors: (r) => r, store: await storeFor(session.shop), localMode: true };
  }
  const { session, cors } = await authenticateAdmin(request);
  return { session, cors, store: await storeFor(session.shop), localMode: false };
}

/** The library refreshes (by a new exchange) an offline token this close to its expiry. */
const EXCHANGE_WITHIN_MS = 5 * 60_000;
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const pendingByShop = new Map<string, Promise<void>>();

/**
 * `authenticate.admin`, one at a time per shop while the shop has no usable offline session. A
 * document load runs the layout's and the page's loaders in parallel, and on a first visit (or
 * once the expiring offline token is due) each would exchange the id_token for its own offline
 * token: two tokens issued, and whichever `storeSession` lands last wins. Serialised, the first
 * call exchanges and stores, the next ones find the stored session.
 */
async function authenticateAdmin(request: Request) {
  const shop = claimedShop(request);
  if (!shop) return authenticate.admin(request);
  const stored = await sessionStorage()
    .loadSession(`offline_${shop}`)
    .catch(() => undefined);
  if (stored?.isActive(undefined, EXCHANGE_WITHIN_MS)) return authenticate.admin(request);
  return oneAtATime(shop, () => authenticate.admin(request));
}

async function oneAtATime<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = pendingByShop.get(key) ?? Promise.resolve();
  let release: () => void = () => undefined;
  const mine = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
  pendingByShop.set(key, mine);
  await previous;
  try {
    return await run();
  } finally {
    release();
    if (pendingByShop.get(key) === mine) pendingByShop.delete(key);
  }
}

/**
 * The shop a request says it is for (`?shop=` of a document load, else the `dest` of a Bearer
 * token), only as a lock key: nothing is trusted before `authenticate.admin` verifies the token.
 */
function claimedShop(request: Request): string | null {
  const fromQuery = new URL(request.url).searchParams.get('shop');
  if (fromQuery) return SHOP_DOMAIN.test(fromQuery) ? fromQuery : null;
  const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const dest = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { dest?: unknown }).dest;
    const host = typeof dest === 'string' ? new URL(dest).hostname : '';
    return SHOP_DOMAIN.test(host) ? host : null;
  } catch {
    return null;
  }
}

/** The engine's store for an authenticated shop; created when the install hook never ran. */
export async function storeFor(shop: string): Promise<StoreInfo> {
  const { engine } = runtime();
  return (await engine.stores.find('shopify', shop)) ?? (await engine.stores.ensureShopifyShop(shop));
}

/**
 * For document links the browser fetches on its own (the print page's `<object>`): a link signed by
 * `signDownloadPath` authenticates as its shop; anything else goes through `requireAdmin`. A
 * request that carries a signature is judged by it alone, also in local mode, so a bad or expired
 * link is refused (401) and never falls back to another identity.
 */
export async function requireAdminOrSignedLink(request: Request): Promise<Pick<AdminContext, 'cors' | 'store'> & { via: 'session' | 'signed-link' }> {
  const url = new URL(request.url);
  if (!url.searchParams.has('sig')) {
    const { cors, store } = await requireAdmin(request);
    return { cors, store, via: 'session' };
  }
  const rt = runtime();
  const check = verifySignedDownload(url, rt.downloadSigningKey);
  if (!check.ok) throw Response.json({ error: { code: 'UNAUTHENTICATED', message: check.reason } }, { status: 401, headers: { 'Cache-Control': 'no-store' } });
  const store = await rt.engine.stores.find('shopify', check.shop);
  if (!store?.installed) throw Response.json({ error: { code: 'NOT_FOUND', message: 'Document not found' } }, { status: 404 });
  return { cors: (response) => response, store, via: 'signed-link' };
}
