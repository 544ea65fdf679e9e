import { z } from 'zod';

/**
 * Product facts: what an order line is, as the merchant catalogues it. Shopify webhooks carry no
 * product type or tags, and Magento REST order items carry only the technical `product_type`, so
 * the platform adapter looks them up (Shopify Admin GraphQL `Product { productType tags }`, the
 * Magento module from the catalog) and passes them to the mapper as `context.products`.
 *
 * Each fact names the product it describes by at least one of `variantId`, `sku`, `productId`.
 * Ids may be numbers, numeric strings or Admin GraphQL ids (`gid://shopify/Product/8712442880189`);
 * they are compared by their numeric tail. A line takes the first fact whose variant id matches,
 * else whose SKU matches (exactly), else whose product id matches.
 */
const ZFactId = z.union([z.number().int().nonnegative(), z.string().trim().min(1).max(200)]);

export const ZProductFact = z
  .object({
    /** Shopify product id / Product GID; Magento product entity id (of the parent for a configurable). */
    productId: ZFactId.nullable().optional(),
    /** Shopify variant id / ProductVariant GID; Magento child product id of a configurable. */
    variantId: ZFactId.nullable().optional(),
    sku: z.string().trim().min(1).max(255).nullable().optional(),
    /** The merchant's type (Shopify `productType`; Magento: the attribute the merchant configures). "" = none. */
    productType: z.string().trim().max(255).nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(255)).max(250).optional(),
    categories: z.array(z.string().trim().min(1).max(255)).max(100).optional(),
    /** Magento attribute set name ("Vêtements d'hiver"). */
    attributeSet: z.string().trim().max(255).nullable().optional(),
  })
  .refine((f) => f.productId != null || f.variantId != null || f.sku != null, {
    message: 'A product fact needs a productId, variantId or sku to match order lines',
    path: ['productId'],
  })
  .transform((f) => ({
    productId: f.productId == null ? null : platformId(f.productId),
    variantId: f.variantId == null ? null : platformId(f.variantId),
    sku: f.sku ?? null,
    productType: f.productType ? f.productType : null,
    tags: f.tags ?? [],
    categories: f.categories ?? [],
    attributeSet: f.attributeSet ? f.attributeSet : null,
  }));
export type TProductFact = z.output<typeof ZProductFact>;
export type TProductFactInput = z.input<typeof ZProductFact>;

/** Bounded: an order has at most a few hundred lines; a longer list is a caller's bug. */
export const ZProductFacts = z.array(ZProductFact).max(5000);
export type TProductFacts = z.output<typeof ZProductFacts>;
export type TProductFactsInput = z.input<typeof ZProductFacts>;

/** What a line takes from its fact (or the empty facts when there is none). */
export type TLineProductFields = { productType: string | null; tags: string[]; categories: string[]; attributeSet: string | null };

export type ProductLookupKeys = { productId?: unknown; variantId?: unknown; sku?: string | null };

/** Finds the fact of a line: variant id, then SKU, then product id. The first fact with a key wins. */
export function productFactsIndex(facts: readonly TProductFact[]): (keys: ProductLookupKeys) => TLineProductFields {
  const byVariant = new Map<string, TProductFact>();
  const bySku = new Map<string, TProductFact>();
  const byProduct = new Map<string, TProductFact>();
  for (const fact of facts) {
    if (fact.variantId !== null && !byVariant.has(fact.variantId)) byVariant.set(fact.variantId, fact);
    if (fact.sku !== null && !bySku.has(fact.sku)) bySku.set(fact.sku, fact);
    if (fact.productId !== null && !byProduct.has(fact.productId)) byProduct.set(fact.productId, fact);
  }
  return (keys) => {
    const variantId = idOf(keys.variantId);
    const sku = typeof keys.sku === 'string' ? keys.sku.trim() : '';
    const productId = idOf(keys.productId);
    const fact = (variantId !== null ? byVariant.get(variantId) : undefined)
      ?? (sku !== '' ? bySku.get(sku) : undefined)
      ?? (productId !== null ? byProduct.get(productId) : undefined);
    return fact
      ? { productType: fact.productType, tags: [...fact.tags], categories: [...fact.categories], attributeSet: fact.attributeSet }
      : { productType: null, tags: [], categories: [], attributeSet: null };
  };
}

/** "gid://shopify/ProductVariant/46870091137213" → "46870091137213"; 1201 → "1201". */
export function platformId(id: string | number): string {
  const text = String(id).trim();
  const gid = /^gid:\/\/[^/]+\/[^/]+\/([^/?]+)/.exec(text);
  return gid ? gid[1]! : text;
}

function idOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return platformId(value);
  if (typeof value === 'string' && value.trim() !== '') return platformId(value);
  return null;
}
