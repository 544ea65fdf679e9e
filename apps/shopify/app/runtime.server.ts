import type { Logger } from '@exstream-connect/engine';
import type { AppEngine } from './lib/app-engine.ts';
import type { ShopifyAppInstance } from './shopify.server.ts';
import type { StoredOrderPayloads } from './lib/stored-order-payloads.server.ts';

export type { Logger };

export type ShopifyRuntime = {
  engine: AppEngine;
  shopify: ShopifyAppInstance;
  apiKey: string;
  logger: Logger;
  /** Where customers/data_request exports are written (one folder per shop). */
  exportsDir: string;
  /** Local mode: embedded pages act as this shop's offline session (never in production). */
  localShop: string | null;
  /** Signs short-lived document links (derived from the app secret: `downloadSigningKey`). */
  downloadSigningKey: Buffer;
  /** Raw webhook bodies kept for given orders (customers/data_request exports). */
  storedOrderPayloads: StoredOrderPayloads;
};

// A globalThis key, not a module variable: the production server build bundles its own copy of
// this module, and the composition root (which created the engine) must reach the same slot.
const KEY = Symbol.for('exstream-connect.shopify-app.runtime');
type Slot = { [KEY]?: ShopifyRuntime };

/** Hands the app its engine and Shopify instance. Called once by `startShopifyApp` or a test. */
export function setShopifyRuntime(value: ShopifyRuntime | undefined): void {
  (globalThis as Slot)[KEY] = value;
}

export function runtime(): ShopifyRuntime {
  const value = (globalThis as Slot)[KEY];
  if (!value) throw new Error('Shopify app runtime not configured: call startShopifyApp() or setShopifyRuntime() first');
  return value;
}
