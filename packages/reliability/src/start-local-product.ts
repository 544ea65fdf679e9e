import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedExtraTenants, type ExtraTenants } from './seed-extra-tenants.ts';
import { startProduct, type RunningProduct } from './start-product.ts';

/** Credentials the harness gives the product, so it can sign as Shopify and as the Magento module. */
export const LOCAL_SECRETS = {
  shopifyApiKey: 'reliability-api-key',
  shopifyApiSecret: 'reliability-shopify-secret-7f3a9c',
  /** Seeded by the composition root (documented demo defaults). */
  magentoStoreKey: 'demo-magento',
  magentoSecret: 'demo-magento-secret',
  shop: 'demo-shop.myshopify.com',
  feedbackSecret: 'reliability-feedback-secret-51e2',
} as const;

export type LocalProduct = RunningProduct & { dataDir: string; sidecarUrl: string; shopifyUrl: string; sandboxUrl: string; production: boolean; cleanup(): Promise<void> };

export type StartLocalProductOptions = {
  extraTenants?: ExtraTenants;
  /**
   * NODE_ENV=production, as an operator deploys it: the Shopify app's local mode is off (a request
   * without a session token is NOT the demo shop), so the secrets a production start requires are
   * passed (a generated EXSTREAM_CONNECT_SECRET_KEY, the app URL and scopes).
   */
  production?: boolean;
};

/**
 * The whole product on embedded PGlite in a child process: temp data dir, random ports, no demo
 * replay (the tests create their own data over HTTP). `cleanup` stops it and removes the data.
 */
export async function startLocalProduct(name: string, options: StartLocalProductOptions = {}): Promise<LocalProduct> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `exc-${name}-`));
  const production = options.production === true;
  const secretKey = production ? randomBytes(32).toString('base64') : undefined;
  if (options.extraTenants) await seedExtraTenants(dataDir, options.extraTenants, secretKey ? { secretKey } : {});
  const product = await startProduct({
    name,
    logFile: path.join(dataDir, 'product.log'),
    env: {
      EXSTREAM_CONNECT_DATA_DIR: dataDir,
      EXSTREAM_SANDBOX_PORT: '0',
      MAGENTO_SIDECAR_PORT: '0',
      SHOPIFY_APP_PORT: '0',
      EXSTREAM_CONNECT_DEMO: '0',
      SHOPIFY_API_KEY: LOCAL_SECRETS.shopifyApiKey,
      SHOPIFY_API_SECRET: LOCAL_SECRETS.shopifyApiSecret,
      EXSTREAM_FEEDBACK_SECRET: LOCAL_SECRETS.feedbackSecret,
      LOG_LEVEL: 'info',
      ...(secretKey
        ? { NODE_ENV: 'production', EXSTREAM_CONNECT_SECRET_KEY: secretKey, SHOPIFY_APP_URL: 'https://exstream-connect.example', SCOPES: 'read_orders,write_orders,read_customers' }
        : {}),
    },
  });
  const { sidecar, shopify, sandbox } = product.urls;
  if (!sidecar || !shopify || !sandbox) {
    await product.stop();
    throw new Error(`The product did not report every URL: ${JSON.stringify(product.urls)}`);
  }
  return {
    ...product,
    dataDir,
    sidecarUrl: sidecar,
    shopifyUrl: shopify,
    sandboxUrl: sandbox,
    production,
    async cleanup() {
      await product.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
