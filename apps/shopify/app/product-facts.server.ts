import type { TProductFactInput } from '@exstream-connect/core';
import type { ProductFactsRequest, ProductFactsSource, ProductKey } from '@exstream-connect/engine';
import { createAdminGraphql, type AdminGraphqlOptions } from './lib/admin-graphql.server.ts';

export type ShopifyProductFactsOptions = AdminGraphqlOptions & {
  /** Ids per `nodes` call (default and maximum 100; Admin GraphQL takes up to 250, we stay well under the cost limit). */
  batchSize?: number;
};

/**
 * What webhooks don't say about a line's product: its merchant product type, tags and taxonomy
 * category. One `nodes` call per 100 ids; the line's ProductVariant when the webhook names it
 * (its SKU and its product's facts), else the Product itself (a line whose variant was deleted).
 * Scope: read_products.
 */
export const PRODUCT_FACTS_QUERY = /* GraphQL */ `
  query ExstreamProductFacts($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      ... on ProductVariant {
        id
        sku
        product { id productType tags category { fullName } }
      }
      ... on Product { id productType tags category { fullName } }
    }
  }
`;

type ProductNode = { id: string; productType: string | null; tags: string[] | null; category: { fullName: string } | null };
type FactsNode = ({ __typename: 'ProductVariant'; id: string; sku: string | null; product: ProductNode | null } | ({ __typename: 'Product' } & ProductNode) | { __typename: string }) | null;

const MAX_BATCH = 100;

/**
 * The engine's ProductFactsSource for Shopify: Admin GraphQL through the same client as the
 * write-back (offline token from session storage, refreshed when it expires; cost-based
 * throttling). Unknown or deleted products are left out. Its errors are the client's
 * UPSTREAM_FAILED, `retryable` for throttles, 5xx and network failures (the engine retries the
 * event), not for anything else (the event is planned without facts, with a warning).
 */
export function createShopifyProductFacts(options: ShopifyProductFactsOptions): ProductFactsSource {
  const admin = createAdminGraphql(options);
  const batchSize = Math.max(1, Math.min(MAX_BATCH, options.batchSize ?? MAX_BATCH));
  return {
    name: 'Shopify Admin GraphQL',
    async lookup(request: ProductFactsRequest): Promise<TProductFactInput[]> {
      const ids = [...new Set(request.products.map(nodeId).filter((id): id is string => id !== null))];
      const facts: TProductFactInput[] = [];
      for (let i = 0; i < ids.length; i += batchSize) {
        const data = await admin.request<{ nodes: FactsNode[] }>(request.store.storeKey, PRODUCT_FACTS_QUERY, { ids: ids.slice(i, i + batchSize) });
        for (const node of data.nodes ?? []) {
          const fact = factOf(node);
          if (fact) facts.push(fact);
        }
      }
      return facts;
    },
  };
}

/** The node to ask for: the variant when the line names one, else its product; null when neither. */
function nodeId(key: ProductKey): string | null {
  if (key.variantId !== null) return key.variantId.startsWith('gid://') ? key.variantId : `gid://shopify/ProductVariant/${key.variantId}`;
  if (key.productId !== null) return key.productId.startsWith('gid://') ? key.productId : `gid://shopify/Product/${key.productId}`;
  return null;
}

function factOf(node: FactsNode): TProductFactInput | null {
  if (!node) return null;
  if (node.__typename === 'ProductVariant' && 'product' in node) {
    if (!node.product) return null;
    return { ...productFields(node.product), variantId: node.id, sku: nonEmpty(node.sku) };
  }
  if (node.__typename === 'Product' && 'productType' in node) return productFields(node);
  return null;
}

function productFields(product: ProductNode): TProductFactInput {
  return {
    productId: product.id,
    productType: bounded(product.productType ?? ''),
    tags: (product.tags ?? []).map((t) => bounded(t)).filter((t) => t !== '').slice(0, 250),
    // "Sporting Goods > Outdoor Recreation > Cycling > Bicycle Helmets", most general first.
    categories: product.category ? product.category.fullName.split(' > ').map((c) => bounded(c)).filter((c) => c !== '').slice(0, 100) : [],
  };
}

const bounded = (text: string) => text.trim().slice(0, 255);
const nonEmpty = (text: string | null) => (text && text.trim() !== '' ? bounded(text) : null);
