import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { eventually, sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';

const ENVELOPE = new URL('../../core/test/fixtures/magento/envelopes/01-order-placed.json', import.meta.url);

/** Email first; when it bounces, print, then web. */
const RULES = [
  { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', fallbackChannels: ['print', 'web'], communicationId: 'comm-oc', templateVersion: '1' },
];

for (const target of testDatabaseTargets()) {
  describe(`a bounce's fallback and the Magento store view's channels on ${target.name}`, () => {
    let h: Harness;
    let n = 0;
    beforeAll(async () => {
      // The sandbox posts delivery feedback: a "+bounce" address bounces.
      h = await startHarness(target, { feedback: true });
      await h.engine.startWorker();
    });
    afterAll(async () => {
      await h?.close();
    });

    /** Order 000000142 from a store view allowing `channels`, its customer's mail bouncing. */
    async function bouncingOrder(channels: string[] | undefined) {
      const storeKey = `bounce-view-${++n}`;
      const store = await h.engine.stores.registerMagentoStore({ storeKey, signingSecret: 'shared-secret-of-the-module', name: 'Nordique', defaultLocale: 'fr-CA' });
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules: RULES });
      const envelope = JSON.parse(await readFile(ENVELOPE, 'utf8')) as { id: string; event: string; store: Record<string, unknown>; entity: Record<string, unknown> };
      envelope.entity.customer_email = 'elodie.tremblay+bounce@example.ca';
      if (channels) envelope.store.channels = channels;
      await h.engine.accept({ platform: 'magento', storeKey, eventId: envelope.id, topic: envelope.event, payload: envelope });
      const timeline = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '000000142');
        const email = t.find((e) => e.channel === 'email');
        const followUp = t.find((e) => e.resendOfId === email?.id);
        return email?.status === 'bounced' && followUp && ['sent', 'delivered'].includes(followUp.status) ? t : null;
      }, { timeoutMs: 30_000, what: 'the bounce and its fallback' });
      return timeline;
    }

    it('GIVEN a store view allowing email and web THEN the fallback skips print and goes to web', async () => {
      const timeline = await bouncingOrder(['email', 'web']);
      const email = timeline.find((e) => e.channel === 'email')!;
      const followUp = timeline.find((e) => e.resendOfId === email.id)!;
      expect(followUp.channel).toBe('web');
      expect(timeline.some((e) => e.channel === 'print')).toBe(false);
      expect(followUp.statusHistory[0]!.detail).toBe('email bounced; falling back to web (print not allowed in store view "ca_fr")');
    });

    it('GIVEN a store view without a Channels setting THEN the rule decides: print', async () => {
      const timeline = await bouncingOrder(undefined);
      const email = timeline.find((e) => e.channel === 'email')!;
      expect(timeline.find((e) => e.resendOfId === email.id)!.channel).toBe('print');
    });

    it('GIVEN a store view allowing email only THEN a bounce has no fallback', async () => {
      const storeKey = `bounce-view-${++n}`;
      const store = await h.engine.stores.registerMagentoStore({ storeKey, signingSecret: 'shared-secret-of-the-module', name: 'Nordique', defaultLocale: 'fr-CA' });
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules: RULES });
      const envelope = JSON.parse(await readFile(ENVELOPE, 'utf8')) as { id: string; event: string; store: Record<string, unknown>; entity: Record<string, unknown> };
      envelope.entity.customer_email = 'elodie.tremblay+bounce@example.ca';
      envelope.store.channels = ['email'];
      await h.engine.accept({ platform: 'magento', storeKey, eventId: envelope.id, topic: envelope.event, payload: envelope });
      await eventually(async () => ((await h.engine.history.forOrder(store, '000000142')).some((e) => e.status === 'bounced') ? true : null), { timeoutMs: 30_000, what: 'the bounce' });
      await h.sandbox.feedbackIdle();
      // Give a (wrong) fallback the time it would need to appear.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const timeline = await h.engine.history.forOrder(store, '000000142');
      expect(timeline.map((e) => [e.channel, e.status])).toEqual([['email', 'bounced']]);
    });
  });
}
