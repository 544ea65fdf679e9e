import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { eventually, sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';

// Envelopes as the Magento module posts them (the core package's fixtures).
const ENVELOPES = new URL('../../core/test/fixtures/magento/envelopes/', import.meta.url);
async function envelope(name: string): Promise<{ id: string; event: string } & Record<string, unknown>> {
  return JSON.parse(await readFile(new URL(name, ENVELOPES), 'utf8')) as { id: string; event: string };
}

const RULES = [
  { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', communicationId: 'comm-oc', templateVersion: '1' },
  { eventKind: 'order.invoiced', documentType: 'invoice', channel: 'email', communicationId: 'comm-inv', templateVersion: '1' },
  { eventKind: 'fulfillment.created', documentType: 'shipping_notice', channel: 'email', communicationId: 'comm-ship', templateVersion: '1' },
  { eventKind: 'credit_memo.created', documentType: 'credit_memo', channel: 'email', communicationId: 'comm-cm', templateVersion: '1' },
];

for (const target of testDatabaseTargets()) {
  describe(`Magento store on ${target.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(target);
      await h.engine.startWorker();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('turns module envelopes into sent communications and a feed the module can page through', async () => {
      // GIVEN a registered Magento store with rules
      const store = await h.engine.stores.registerMagentoStore({ storeKey: 'nordique-ca', signingSecret: 'shared-secret-of-the-module', name: 'Nordique', defaultLocale: 'fr-CA' });
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules: RULES });
      // WHEN the module posts the order's envelopes (credit memo first: out of order)
      const names = ['05-creditmemo-created.json', '01-order-placed.json', '02-order-invoiced.json', '03-shipment-created.json'];
      for (const name of names) {
        const env = await envelope(name);
        const result = await h.engine.accept({ platform: 'magento', storeKey: 'nordique-ca', eventId: env.id, topic: env.event, payload: env });
        expect(result.status).toBe('accepted');
      }
      // THEN the order's timeline holds one sent document per envelope
      const timeline = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '000000142');
        return t.length === 4 && t.every((e) => e.status === 'sent') ? t : null;
      }, { what: 'four sent Magento communications' });
      expect(timeline.map((e) => e.documentType).sort()).toEqual(['credit_memo', 'invoice', 'order_confirmation', 'shipping_notice']);
      expect(timeline[0]!.orderNumber).toBeTruthy();

      // AND the feed pages without gaps or repeats. It hands rows out once every older writing
      // transaction of the server has ended (other suites' included), so it may trail a moment.
      const seen: string[] = [];
      let cursor: string | undefined;
      await eventually(async () => {
        const feed = await h.engine.feedback.since(store, cursor, 3);
        seen.push(...feed.items.map((i) => (i.type === 'communication_status' ? `${i.communicationId}:${i.status}` : `consent:${i.cursor}`)));
        cursor = feed.nextCursor;
        return seen.length >= 12 || null;
      }, { what: 'the whole feed', intervalMs: 20 });
      expect((await h.engine.feedback.since(store, cursor, 3)).items).toEqual([]);
      expect(seen).toHaveLength(12); // queued, sending, sent × 4
      expect(new Set(seen).size).toBe(12);
    });
  });
}
