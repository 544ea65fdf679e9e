import type { ProductKey } from './types.ts';

/** An order has at most a few hundred lines; past this a payload is not an order's. */
const MAX_KEYS = 1_000;
const MAX_NODES = 200_000;

/**
 * The products a Shopify webhook body names: every line-item-like object (`product_id` /
 * `variant_id` / `sku`) wherever the topic nests it (orders' `line_items`, refunds'
 * `refund_line_items[].line_item`, fulfillments' and checkouts' `line_items`), deduplicated. Pass
 * the order body too for topics whose own payload names no product (returns, disputes).
 * Iterative and bounded: the bodies were stored by accept(), which already capped their depth.
 */
export function shopifyProductKeys(...bodies: unknown[]): ProductKey[] {
  const keys = new Map<string, ProductKey>();
  const stack: unknown[] = [...bodies];
  let visited = 0;
  while (stack.length > 0 && keys.size < MAX_KEYS && visited < MAX_NODES) {
    const node = stack.pop();
    visited++;
    if (Array.isArray(node)) {
      for (const item of node) if (item !== null && typeof item === 'object') stack.push(item);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    if ('variant_id' in record || 'product_id' in record) {
      const key: ProductKey = { productId: idText(record.product_id), variantId: idText(record.variant_id), sku: skuText(record.sku) };
      if (key.productId !== null || key.variantId !== null || key.sku !== null) keys.set(`${key.variantId}|${key.productId}|${key.sku}`, key);
    }
    for (const value of Object.values(record)) if (value !== null && typeof value === 'object') stack.push(value);
  }
  return [...keys.values()];
}

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^(\d{1,30}|gid:\/\/shopify\/\w+\/\d{1,30})$/.test(value.trim())) return value.trim();
  return null;
}

function skuText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' && value.length <= 255 ? value.trim() : null;
}
