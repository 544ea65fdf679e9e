import path from 'node:path';
import { createDatabase, createSecretBox, loadSecretKey } from '@exstream-connect/db';
import { createEngine } from '@exstream-connect/engine';

export type ExtraTenants = {
  magento: { storeKey: string; secret: string };
  shopify: { shop: string };
};

/**
 * Before the product starts on an embedded data dir, registers a second Magento store and a
 * second installed Shopify shop (store row + offline session, as the install flow leaves them),
 * through the engine package on the same PGlite files and secret key file the product then opens.
 * PGlite has one owner at a time, so this closes everything before returning. `secretKey`: the
 * product's EXSTREAM_CONNECT_SECRET_KEY when it runs in production mode (the signing secrets are
 * encrypted with it).
 */
export async function seedExtraTenants(dataDir: string, tenants: ExtraTenants, options: { secretKey?: string } = {}): Promise<void> {
  const db = await createDatabase({ url: path.join(dataDir, 'pglite') });
  try {
    // The key the product will use: its EXSTREAM_CONNECT_SECRET_KEY in production mode, else the data dir's file.
    const key = await loadSecretKey({ envValue: options.secretKey, dataDir, mode: 'embedded' });
    const engine = await createEngine({ db, secretBox: createSecretBox(key.key) });
    try {
      await engine.stores.registerMagentoStore({ storeKey: tenants.magento.storeKey, signingSecret: tenants.magento.secret, name: 'Attacker Magento store' });
      await engine.stores.ensureShopifyShop(tenants.shopify.shop, { name: 'Attacker shop' });
      await db.prisma.session.upsert({
        where: { id: `offline_${tenants.shopify.shop}` },
        create: { id: `offline_${tenants.shopify.shop}`, shop: tenants.shopify.shop, state: '', isOnline: false, accessToken: 'attacker-offline-token', scope: 'read_orders,write_orders' },
        update: {},
      });
    } finally {
      await engine.stop();
    }
  } finally {
    await db.close();
  }
}
