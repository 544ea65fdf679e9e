import '@shopify/shopify-app-remix/adapters/node';
import { ApiVersion, AppDistribution, shopifyApp } from '@shopify/shopify-app-remix/server';
import type { SessionStorage } from '@shopify/shopify-app-session-storage';
import { runtime } from './runtime.server.ts';
import type { AppEngine } from './lib/app-engine.ts';

/**
 * Pinned Admin API version: the newest stable one @shopify/shopify-api 15 ships REST/GraphQL
 * resources for (2026-04), the version our GraphQL write-back and shopify.app.toml use.
 */
export const SHOPIFY_API_VERSION = ApiVersion.April26;

export const FUTURE_FLAGS = {
  unstable_newEmbeddedAuthStrategy: true,
  expiringOfflineAccessTokens: true,
} as const;

export type CreateShopifyOptions = {
  apiKey: string;
  apiSecretKey: string;
  appUrl: string;
  scopes: string[];
  sessionStorage: SessionStorage;
  engine: Pick<AppEngine, 'stores'>;
  /** Test overrides (`testConfig()` from @shopify/shopify-app-remix/test-helpers). */
  overrides?: Record<string, unknown>;
};

/**
 * Builds the app's single `shopifyApp` (the template's shopify.server.ts, made a factory so the
 * composition root decides the session storage and the tests can merge `testConfig()`).
 */
export function createShopify(options: CreateShopifyOptions) {
  const { engine } = options;
  return shopifyApp({
    apiKey: options.apiKey,
    apiSecretKey: options.apiSecretKey,
    apiVersion: SHOPIFY_API_VERSION,
    scopes: options.scopes,
    appUrl: options.appUrl,
    authPathPrefix: '/auth',
    sessionStorage: options.sessionStorage,
    distribution: AppDistribution.AppStore,
    future: FUTURE_FLAGS,
    hooks: {
      // Runs on install and whenever a token is (re)issued: the store row must exist before
      // the first webhook for this shop reaches engine.accept.
      afterAuth: async ({ session }) => {
        await engine.stores.ensureShopifyShop(session.shop);
      },
    },
    ...(options.overrides ?? {}),
  });
}

export type ShopifyAppInstance = ReturnType<typeof createShopify>;

const shopify = () => runtime().shopify;

/** Same surface the template re-exports; resolved at call time from the runtime. */
export const authenticate = {
  admin: (request: Request) => shopify().authenticate.admin(request),
  webhook: (request: Request) => shopify().authenticate.webhook(request),
};
export const unauthenticated = {
  admin: (shop: string) => shopify().unauthenticated.admin(shop),
};
export const login = (request: Request) => {
  const fn = shopify().login;
  if (!fn) throw new Response('Login is not available for this distribution', { status: 404 });
  return fn(request);
};
export const addDocumentResponseHeaders = (request: Request, headers: Headers) => shopify().addDocumentResponseHeaders(request, headers);
export const sessionStorage = () => shopify().sessionStorage as SessionStorage;
