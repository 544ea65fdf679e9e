/**
 * The engine keys Shopify orders by the numeric id ("5501234567890"). Extensions hold the GID
 * (`gid://shopify/Order/5501234567890`); accept both, refuse anything else.
 */
export function parseOrderRef(raw: string | undefined): string | null {
  if (!raw) return null;
  let value: string;
  try {
    value = decodeURIComponent(raw).trim();
  } catch {
    return null; // a stray '%' is not an order id either
  }
  const match = /^(?:gid:\/\/shopify\/Order\/)?(\d{1,20})$/.exec(value);
  return match?.[1] ?? null;
}
