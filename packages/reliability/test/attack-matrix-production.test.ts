import { afterAll, beforeAll } from 'vitest';
import { ATTACKER, seedVictims, type Victims } from '../src/attack/attack-requests.ts';
import { startLocalProduct, type LocalProduct } from '../src/start-local-product.ts';
import { describeShopifyAttacks } from './shopify-attack-cases.ts';

/**
 * The Shopify half of the attack matrix against the product as deployed: NODE_ENV=production with
 * the secrets a production start requires, so the Shopify app's local mode is OFF. Every case of
 * the local-mode suite runs again, plus: each API refuses a request without a session token
 * (in local mode such a request acts as the demo shop).
 */
let product: LocalProduct;
let victims: Victims;

beforeAll(async () => {
  product = await startLocalProduct('attack-prod', { extraTenants: ATTACKER, production: true });
  victims = await seedVictims(product);
}, 300_000);

afterAll(async () => {
  await product?.cleanup();
});

describeShopifyAttacks('production', () => ({ product, victims }));
