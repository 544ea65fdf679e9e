import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MAGENTO_SECRET, DEMO_MAGENTO_STORE_KEY, seedDemoMagentoStore } from '../src/seed-demo-store.ts';
import { json } from './helpers/signed-client.ts';
import { eventually, loadEnvelope, startStack, type Stack } from './helpers/start-stack.ts';

type Entry = {
  id: string;
  orderRef: string;
  documentType: string;
  channel: string;
  status: string;
  statusHistory: Array<{ status: string; at: string }>;
  templateId: string | null;
  templateVersion: string | null;
  hasDocument: boolean;
  documentPath: string | null;
  createdAt: string;
};

const SETTLED = ['delivered', 'opened'];
const LIFECYCLE = [
  { fixture: '01-order-placed', documents: ['order_confirmation'] },
  { fixture: '02-order-invoiced', documents: ['invoice'] },
  { fixture: '03-shipment-created', documents: ['shipping_notice'] },
  { fixture: '04-shipment-track-added', documents: ['shipping_notice'] },
  { fixture: '05-creditmemo-created', documents: ['credit_memo'] },
];

describe.each(testDatabaseTargets())('Magento lifecycle through the sidecar ($name)', (target) => {
  let stack: Stack;
  let signedFetch: ReturnType<Stack['client']>;
  beforeAll(async () => {
    stack = await startStack(target);
    signedFetch = stack.client(DEMO_MAGENTO_STORE_KEY, DEMO_MAGENTO_SECRET);
  });
  afterAll(async () => stack?.close());

  const timeline = async (): Promise<Entry[]> => {
    const response = await signedFetch('GET', '/v1/orders/000000142/communications');
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: Entry[] }).items;
  };

  it('seeds the demo store idempotently', async () => {
    const options = { sandboxUrl: stack.sandbox.url, tokenUrl: stack.sandbox.tokenUrl };
    const first = await seedDemoMagentoStore(stack.engine, options);
    const rulesAfterFirst = (await stack.engine.settings.get(first)).rules;
    const second = await seedDemoMagentoStore(stack.engine, options);
    expect(second.id).toBe(first.id);
    const settings = await stack.engine.settings.get(second);
    expect(settings.rules.map((r) => r.id).sort()).toEqual(rulesAfterFirst.map((r) => r.id).sort());
    expect(new Set(settings.rules.map((r) => r.locale))).toEqual(new Set(['en', 'fr', 'de', null]));
    expect(new Set(settings.rules.map((r) => r.channel))).toEqual(new Set(['email', 'print']));
    expect(settings.connection).toMatchObject({ baseUrl: stack.sandbox.url, domain: 'demo', clientId: 'sandbox', hasClientSecret: true });
    // Abandoned-cart reminders batched, to their own batch service; a merchant's change survives a re-seed.
    expect(settings.connection?.serviceNames).toMatchObject({ statements: 'statements', campaigns: 'campaign-reminders' });
    expect(settings.campaigns).toEqual({ batch: true, windowSeconds: 5 });
    await stack.engine.settings.update(second, { campaigns: { windowSeconds: 60 } });
    await seedDemoMagentoStore(stack.engine, options);
    expect((await stack.engine.settings.get(second)).campaigns).toEqual({ batch: true, windowSeconds: 60 });
    expect(await stack.engine.stores.signingSecret(DEMO_MAGENTO_STORE_KEY)).toBe(DEMO_MAGENTO_SECRET);
  });

  it('GIVEN order → invoice → shipment → track → credit memo WHEN posted THEN documents are produced and the timeline reads back in order', async () => {
    let seen = 0;
    for (const step of LIFECYCLE) {
      const envelope = await loadEnvelope(step.fixture);
      const response = await signedFetch('POST', '/v1/events', { body: json(envelope) });
      expect(response.status, step.fixture).toBe(202);
      // Like a real store, the next event happens after this one was handled.
      const items = await eventually(async () => {
        const current = await timeline();
        return current.length > seen && current.every((i) => SETTLED.includes(i.status) && i.hasDocument) ? current : null;
      }, `documents for ${step.fixture}`);
      const added = items.slice(seen);
      for (const documentType of step.documents) expect(added.map((i) => i.documentType), step.fixture).toContain(documentType);
      seen = items.length;
    }

    const items = await timeline();
    // Read back in the order things happened.
    const createdAt = items.map((i) => i.createdAt);
    expect(createdAt).toEqual([...createdAt].sort());
    const firstIndex = (type: string) => items.findIndex((i) => i.documentType === type);
    expect(firstIndex('order_confirmation')).toBe(0);
    expect(firstIndex('order_confirmation')).toBeLessThan(firstIndex('invoice'));
    expect(firstIndex('invoice')).toBeLessThan(firstIndex('shipping_notice'));
    expect(firstIndex('shipping_notice')).toBeLessThan(firstIndex('credit_memo'));
    // Invoices and credit memos also go to print (the demo rules), the rest by email only.
    expect(items.filter((i) => i.channel === 'print').map((i) => i.documentType).sort()).toEqual(['credit_memo', 'invoice']);

    for (const item of items) {
      expect(item.orderRef).toBe('000000142');
      // The order is fr_CA, brand "nordique": the French rules (any brand) were chosen.
      expect(item.templateId).toBe(item.channel === 'print' ? `demo-${item.documentType}-print` : `demo-${item.documentType}-fr`);
      expect(item.templateVersion).toBe('1');
      const history = item.statusHistory.map((h) => h.status);
      expect(history.slice(0, 3)).toEqual(['queued', 'sending', 'sent']);
      // Feedback may arrive out of order ("opened" before "delivered"); either settles it.
      expect(history.some((status) => SETTLED.includes(status))).toBe(true);
      const pdf = await signedFetch('GET', item.documentPath!);
      expect(pdf.status).toBe(200);
      expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    }

    // The sandbox produced exactly one document per communication (idempotency held).
    const produced = stack.sandbox.countByIdempotencyKey();
    expect(Object.keys(produced)).toHaveLength(items.length);
    expect(Object.values(produced).every((count) => count === 1)).toBe(true);
  });
});
