import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError } from '@exstream-connect/core';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';

for (const target of testDatabaseTargets()) {
  describe(`stores and settings on ${target.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(target);
    });
    afterAll(async () => {
      await h?.close();
    });

    it('creates a Shopify store once and revives it after an uninstall', async () => {
      // GIVEN a shop installed twice
      const first = await h.engine.stores.ensureShopifyShop('Demo-Shop.myshopify.com', { name: 'Demo' });
      const again = await h.engine.stores.ensureShopifyShop('demo-shop.myshopify.com');
      expect(again.id).toBe(first.id);
      expect(first).toMatchObject({ platform: 'shopify', storeKey: 'demo-shop.myshopify.com', name: 'Demo', installed: true });
      // WHEN it is uninstalled twice (webhooks repeat)
      await h.engine.stores.markUninstalled('shopify', 'demo-shop.myshopify.com');
      await h.engine.stores.markUninstalled('shopify', 'demo-shop.myshopify.com');
      // THEN it reads as not installed, and a re-install revives the same store
      expect((await h.engine.stores.find('shopify', 'demo-shop.myshopify.com'))?.installed).toBe(false);
      expect((await h.engine.stores.ensureShopifyShop('demo-shop.myshopify.com')).installed).toBe(true);
    });

    it('keeps the Magento signing secret encrypted and returns it decrypted only through signingSecret', async () => {
      const store = await h.engine.stores.registerMagentoStore({ storeKey: 'magento-main', signingSecret: 'a-very-long-shared-secret', name: 'Main', defaultLocale: 'fr-FR' });
      const row = await h.db.prisma.store.findUniqueOrThrow({ where: { id: store.id } });
      expect(row.signingSecretEnc).not.toContain('a-very-long-shared-secret');
      expect(await h.engine.stores.signingSecret('magento-main')).toBe('a-very-long-shared-secret');
      expect(await h.engine.stores.signingSecret('unknown')).toBeNull();
      await expect(h.engine.stores.registerMagentoStore({ storeKey: 'x', signingSecret: 'short', name: '' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: expect.arrayContaining([expect.objectContaining({ path: 'signingSecret' }), expect.objectContaining({ path: 'name' })]),
      });
    });

    it('stores the client secret write-only and tests the connection against the sandbox', async () => {
      const store = await h.engine.stores.ensureShopifyShop('settings.myshopify.com');
      const view = await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), dryRun: true, writeBack: { tagOnFailure: false } });
      expect(view.connection).toMatchObject({ baseUrl: h.sandbox.url, hasClientSecret: true, clientId: 'sandbox' });
      expect(JSON.stringify(view)).not.toContain('sandbox-secret');
      expect(view.dryRun).toBe(true);
      expect(view.writeBack).toEqual({ orderSummary: true, tagOnFailure: false, consent: true });
      const conn = await h.db.prisma.exstreamConnection.findUniqueOrThrow({ where: { storeId: store.id } });
      expect(conn.clientSecretEnc).not.toContain('sandbox-secret');

      // An update without the secret keeps it.
      const { clientSecret: _omit, ...withoutSecret } = sandboxConnection(h.sandbox);
      await h.engine.settings.update(store, { connection: { ...withoutSecret, domain: h.sandbox.domain } });
      const result = await h.engine.settings.testConnection(store);
      expect(result.ok).toBe(true);
      expect(result.version).toContain('sandbox');

      // A wrong secret fails the test without leaking anything.
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(h.sandbox), clientSecret: 'wrong-secret' } });
      const failed = await h.engine.settings.testConnection(store);
      expect(failed.ok).toBe(false);
      expect(failed.error ?? '').not.toContain('wrong-secret');
    });

    it('rejects invalid settings naming each field', async () => {
      const store = await h.engine.stores.ensureShopifyShop('invalid.myshopify.com');
      const error = await h.engine.settings
        .update(store, { connection: { baseUrl: 'not a url', domain: '', tokenUrl: 'x', clientId: 'c' }, rules: [{ eventKind: 'order.placed', channel: 'fax' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectError);
      const paths = (error as ConnectError).issues.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['connection.baseUrl', 'connection.domain', 'connection.tokenUrl', 'rules.0.channel', 'rules.0.documentType']));
    });

    it('replaces template rules and reads them back', async () => {
      const store = await h.engine.stores.ensureShopifyShop('rules.myshopify.com');
      const view = await h.engine.settings.update(store, {
        rules: [
          { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', fallbackChannels: ['print'], locale: 'fr', templateVersion: '3', priority: 5 },
          { eventKind: 'order.paid', documentType: 'invoice', channel: 'print', templateVersion: '1' },
        ],
      });
      expect(view.rules).toHaveLength(2);
      expect(view.rules[0]).toMatchObject({ eventKind: 'order.placed', fallbackChannels: ['print'], locale: 'fr', priority: 5 });
      const replaced = await h.engine.settings.update(store, { rules: [view.rules[1]!] });
      expect(replaced.rules.map((r) => r.id)).toEqual([view.rules[1]!.id]);
    });
  });
}
