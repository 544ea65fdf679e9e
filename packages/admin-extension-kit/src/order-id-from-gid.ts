import { validationError } from '@exstream-connect/core';

const ORDER_GID = /^gid:\/\/shopify\/Order\/(\d+)(?:\?.*)?$/;

/**
 * `gid://shopify/Order/5501234567890` → `"5501234567890"`, the id the app's routes take and the
 * engine stores as `orderRef`. Kept as a string: order ids exceed Number.MAX_SAFE_INTEGER in time.
 */
export function orderIdFromGid(gid: string): string {
  const match = ORDER_GID.exec(gid.trim());
  if (!match?.[1]) {
    throw validationError([{ path: 'data.selected.0.id', message: `expected an order GID (gid://shopify/Order/<id>), got "${gid}"` }], 'order id');
  }
  return match[1];
}
