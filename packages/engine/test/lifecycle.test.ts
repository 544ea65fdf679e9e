import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { eventually, sandboxConnection, seededShuffle, startHarness, type Harness } from './helpers/engine-harness.ts';
import { LIFECYCLE_DOCUMENTS, LIFECYCLE_RULES, lifecycle } from './helpers/shopify-fixtures.ts';

for (const target of testDatabaseTargets()) {
  describe(`order lifecycle on ${target.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(target);
      await h.engine.startWorker();
    });
    afterAll(async () => {
      await h?.close();
    });

    async function shopWithRules(domain: string) {
      const store = await h.engine.stores.ensureShopifyShop(domain);
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules: LIFECYCLE_RULES });
      return store;
    }

    it('produces exactly one communication per lifecycle step, each sent with its document', async () => {
      // GIVEN a shop with a rule per lifecycle document
      const store = await shopWithRules('lifecycle.myshopify.com');
      // WHEN the lifecycle webhooks arrive
      for (const step of lifecycle(5501234567890)) {
        const result = await h.engine.accept({ platform: 'shopify', storeKey: 'lifecycle.myshopify.com', ...step });
        expect(result.status).toBe('accepted');
      }
      // THEN each step produced exactly its document, sent, with a stored PDF and the hash of what was sent
      const timeline = await eventually(async () => {
        const entries = await h.engine.history.forOrder(store, '5501234567890');
        return entries.length === LIFECYCLE_DOCUMENTS.length && entries.every((e) => e.status === 'sent') ? entries : null;
      }, { what: 'five sent communications' });
      expect(timeline.map((e) => e.documentType).sort()).toEqual([...LIFECYCLE_DOCUMENTS].sort());
      for (const entry of timeline) {
        expect(entry.hasDocument).toBe(true);
        expect(entry.statusHistory.map((s) => s.status)).toEqual(['queued', 'sending', 'sent']);
        const doc = await h.engine.documents.open(store, entry.id);
        expect(doc?.body.subarray(0, 5).toString()).toBe('%PDF-');
      }
      const rows = await h.db.prisma.communication.findMany({ where: { storeId: store.id } });
      for (const row of rows) {
        expect(row.dataSha256).toMatch(/^[0-9a-f]{64}$/);
        expect(h.sandbox.countByIdempotencyKey()[row.idempotencyKey]).toBe(1);
      }
      expect(rows.find((r) => r.documentType === 'order_confirmation')?.templateVersion).toBe('3');
    });

    it('delivering every event three times in shuffled order produces no extra communication', async () => {
      const store = await shopWithRules('shuffle.myshopify.com');
      const steps = lifecycle(5501234567000);
      const deliveries = seededShuffle([...steps, ...steps, ...steps], 42);
      const results: Array<{ status: string; inboundEventId: string }> = [];
      for (const step of deliveries) results.push(await h.engine.accept({ platform: 'shopify', storeKey: 'shuffle.myshopify.com', ...step }));
      expect(results.filter((r) => r.status === 'accepted')).toHaveLength(steps.length);
      // A duplicate answers with the original result.
      const firstOf = new Map<string, string>();
      deliveries.forEach((step, i) => {
        const id = results[i]!.inboundEventId;
        if (firstOf.has(step.eventId)) expect(id).toBe(firstOf.get(step.eventId));
        else firstOf.set(step.eventId, id);
      });
      const timeline = await eventually(async () => {
        const entries = await h.engine.history.forOrder(store, '5501234567000');
        return entries.length === LIFECYCLE_DOCUMENTS.length && entries.every((e) => e.status === 'sent') ? entries : null;
      }, { what: 'five sent communications' });
      expect(timeline.map((e) => e.documentType).sort()).toEqual([...LIFECYCLE_DOCUMENTS].sort());
      expect(await h.db.prisma.inboundEvent.count({ where: { storeId: store.id } })).toBe(steps.length);
    });
  });
}
