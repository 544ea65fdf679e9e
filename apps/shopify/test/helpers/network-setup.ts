/**
 * Network-level stub for Shopify: every fetch to *.myshopify.com (Admin GraphQL, token refresh,
 * token exchange) goes to the handlers a test registers; an unexpected call fails loudly. Other
 * hosts (the Exstream sandbox on loopback) use the real fetch. Installed before any test module
 * loads, because @shopify/shopify-api captures `fetch` when its adapter is imported.
 */
export type ShopifyHandler = (request: Request) => Promise<Response | undefined> | Response | undefined;
type Registry = { handlers: ShopifyHandler[]; calls: Request[] };

const KEY = Symbol.for('exstream-connect.test.shopify-network');
const slot = globalThis as unknown as { [KEY]?: Registry };
const registry: Registry = (slot[KEY] ??= { handlers: [], calls: [] });

const realFetch = globalThis.fetch;

function urlOf(input: RequestInfo | URL): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  return input.url;
}

globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
  const url = urlOf(input);
  const host = new URL(url).hostname;
  if (!host.endsWith('.myshopify.com') && !host.endsWith('.shopify.com')) return realFetch(input, init);
  const request = new Request(input, init);
  registry.calls.push(request.clone());
  for (const handler of [...registry.handlers].reverse()) {
    const response = await handler(request.clone());
    if (response) return response;
  }
  throw new Error(`Unexpected Shopify request in a test: ${request.method} ${url}`);
};
