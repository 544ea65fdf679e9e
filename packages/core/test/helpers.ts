import { mapMagentoEvent, mapShopifyWebhook, type MapMagentoEventContext, type MapShopifyWebhookContext, type TCommerceEvent, type TMappedEvents, type TProductFactsInput } from '../src/index.ts';

// Fixtures are loaded through Vite's glob import (packages/core may not touch node:fs, tests included).
const FIXTURES = import.meta.glob('./fixtures/**/*.json', { import: 'default' });

export async function fixture(relativePath: string): Promise<unknown> {
  const load = FIXTURES[`./fixtures/${relativePath}.json`];
  if (!load) throw new Error(`no fixture ${relativePath}`);
  // A deep copy, so a test that edits a payload never leaks into another test.
  return structuredClone(await load());
}

/** Fixture names (without .json) directly under a fixture folder, e.g. fixtureNames('shopify'). */
export function fixtureNames(folder: string): string[] {
  const prefix = `./fixtures/${folder}/`;
  return Object.keys(FIXTURES)
    .filter((key) => key.startsWith(prefix) && !key.slice(prefix.length).includes('/'))
    .map((key) => key.slice(prefix.length, -'.json'.length))
    .sort();
}

export const SHOP = { shopDomain: 'velo-polska.myshopify.com' } as const;

/**
 * Product facts exactly as an adapter passes them as `context.products` (see the README):
 * `product-facts/shopify-velo-polska` is the Admin GraphQL `Product { id productType tags category }`
 * of the Shopify fixtures' products; `product-facts/magento-nordique` what the Magento module sends
 * for order 000000142's items.
 */
export async function productFacts(name: 'shopify-velo-polska' | 'magento-nordique'): Promise<TProductFactsInput> {
  return (await fixture(`product-facts/${name}`)) as TProductFactsInput;
}

export async function shopify(topic: string, name: string, context: Partial<MapShopifyWebhookContext> = {}): Promise<TMappedEvents> {
  return mapShopifyWebhook(topic, await fixture(`shopify/${name}`), { ...SHOP, ...context });
}

export async function shopifyEvent(topic: string, name: string, context: Partial<MapShopifyWebhookContext> = {}): Promise<TCommerceEvent> {
  const { events } = await shopify(topic, name, context);
  if (events.length !== 1) throw new Error(`expected one event from ${name}, got ${events.length}`);
  return events[0]!;
}

export async function magento(envelopeName: string, context: MapMagentoEventContext = {}): Promise<TMappedEvents> {
  return mapMagentoEvent(await fixture(`magento/envelopes/${envelopeName}`), context);
}

export async function magentoEvent(envelopeName: string, context: MapMagentoEventContext = {}): Promise<TCommerceEvent> {
  const { events } = await magento(envelopeName, context);
  if (events.length !== 1) throw new Error(`expected one event from ${envelopeName}, got ${events.length}`);
  return events[0]!;
}

/** Narrows an event to one kind or fails the test with a readable message. */
export function as<K extends TCommerceEvent['kind']>(event: TCommerceEvent, kind: K): Extract<TCommerceEvent, { kind: K }> {
  if (event.kind !== kind) throw new Error(`expected ${kind}, got ${event.kind}`);
  return event as Extract<TCommerceEvent, { kind: K }>;
}
