import { platformId, type TProductFact } from '@exstream-connect/core';
import type { ProductKey } from './types.ts';

/**
 * Product facts per store + product for a short time: an order's lines are looked up once, and
 * the next event of the same order (paid, fulfilled, refunded…) a moment later costs no API call.
 * A product the source did not know is remembered too (as null), so a deleted product is not asked
 * for again on every event. Bounded: the oldest entries go first.
 */
export function createProductFactsCache(options: { ttlMs: number; now?: () => number; maxEntries?: number }) {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 20_000;
  const entries = new Map<string, { fact: TProductFact | null; expires: number }>();

  return {
    /** The cached answer for a key: a fact, null (known to have none), or undefined (not cached). */
    get(storeId: string, key: ProductKey): TProductFact | null | undefined {
      const id = cacheId(storeId, key);
      if (id === null) return undefined;
      const hit = entries.get(id);
      if (!hit) return undefined;
      if (hit.expires <= now()) {
        entries.delete(id);
        return undefined;
      }
      return hit.fact;
    },
    /** Remembers what the source answered (or did not answer) for each requested key. */
    put(storeId: string, requested: readonly ProductKey[], answer: readonly TProductFact[]): void {
      const expires = now() + options.ttlMs;
      for (const key of requested) {
        const id = cacheId(storeId, key);
        if (id === null) continue;
        entries.delete(id);
        entries.set(id, { fact: factFor(answer, key), expires });
      }
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    clear(storeId?: string): void {
      if (!storeId) return entries.clear();
      for (const id of [...entries.keys()]) if (id.startsWith(`${storeId}\u0000`)) entries.delete(id);
    },
    get size(): number {
      return entries.size;
    },
  };
}

export type ProductFactsCache = ReturnType<typeof createProductFactsCache>;

/** The fact a line of these keys takes, by the mapper's rule: variant id, then SKU, then product id. */
export function factFor(facts: readonly TProductFact[], key: ProductKey): TProductFact | null {
  const variantId = key.variantId === null ? null : platformId(key.variantId);
  const productId = key.productId === null ? null : platformId(key.productId);
  return (
    (variantId !== null ? facts.find((f) => f.variantId === variantId) : undefined)
    ?? (key.sku !== null ? facts.find((f) => f.sku === key.sku) : undefined)
    ?? (productId !== null ? facts.find((f) => f.productId === productId) : undefined)
    ?? null
  );
}

/** The most specific key identifies the product: a variant, else the SKU, else the product. */
function cacheId(storeId: string, key: ProductKey): string | null {
  if (key.variantId !== null) return `${storeId}\u0000v:${platformId(key.variantId)}`;
  if (key.sku !== null) return `${storeId}\u0000s:${key.sku}`;
  if (key.productId !== null) return `${storeId}\u0000p:${platformId(key.productId)}`;
  return null;
}
