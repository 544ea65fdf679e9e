import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MAGENTO_SECRET, DEMO_MAGENTO_STORE_KEY, seedDemoMagentoStore } from '../src/seed-demo-store.ts';
import { json } from './helpers/signed-client.ts';
import { eventually, loadEnvelope, startStack, type Stack } from './helpers/start-stack.ts';

type Entry = { id: string; documentType: string; channel: string; status: string; hasDocument: boolean; templateId: string | null };

const SETTLED = ['delivered', 'opened'];

/**
 * The module sends each store view's "Channels" setting as `store.channels`. The demo rules give an
 * invoice by email AND on paper; a store view that allows print only must get the paper copy only.
 */
describe("a store view's Channels setting, end to end", () => {
  let stack: Stack;
  let signedFetch: ReturnType<Stack['client']>;
  beforeAll(async () => {
    stack = await startStack({ name: 'pglite' });
    await seedDemoMagentoStore(stack.engine, { sandboxUrl: stack.sandbox.url, tokenUrl: stack.sandbox.tokenUrl });
    signedFetch = stack.client(DEMO_MAGENTO_STORE_KEY, DEMO_MAGENTO_SECRET);
  });
  afterAll(async () => stack?.close());

  /** The invoice envelope of its own order (`00000080<n>`), from a store view allowing `channels`. */
  async function postInvoice(n: number, channels: string[] | undefined): Promise<string> {
    const envelope = await loadEnvelope('02-order-invoiced');
    const orderRef = `00000080${n}`;
    const store = { ...(envelope.store as Record<string, unknown>), ...(channels ? { channels } : {}) };
    const entity = { ...(envelope.entity as Record<string, unknown>), entity_id: 800 + n, increment_id: `00000090${n}`, order_id: 800 + n };
    const order = { ...(envelope.order as Record<string, unknown>), entity_id: 800 + n, increment_id: orderRef };
    const response = await signedFetch('POST', '/v1/events', { body: json({ ...envelope, id: `channels:${n}:order.invoiced`, store, entity, order }) });
    expect(response.status, await response.clone().text()).toBe(202);
    return orderRef;
  }

  const settledTimeline = (orderRef: string, count: number) =>
    eventually(async () => {
      const response = await signedFetch('GET', `/v1/orders/${orderRef}/communications`);
      const items = ((await response.json()) as { items: Entry[] }).items;
      return items.length >= count && items.every((i) => SETTLED.includes(i.status) && i.hasDocument) ? items : null;
    }, `${count} settled communication(s) for ${orderRef}`);

  it("GIVEN store.channels ['print'] THEN only the print invoice is produced", async () => {
    const orderRef = await postInvoice(1, ['print']);
    const items = await settledTimeline(orderRef, 1);
    expect(items.map((i) => [i.documentType, i.channel])).toEqual([['invoice', 'print']]);
    expect(items[0]!.templateId).toBe('demo-invoice-print');
    // Nothing else was sent to Exstream for this order.
    const rows = await stack.db.prisma.communication.findMany({ where: { orderRef } });
    expect(rows.map((r) => r.channel)).toEqual(['print']);
  });

  it("GIVEN store.channels ['email', 'print'] or none THEN the email and the print invoice", async () => {
    for (const [n, channels] of [[2, ['email', 'print']], [3, undefined]] as const) {
      const orderRef = await postInvoice(n, channels ? [...channels] : undefined);
      const items = await settledTimeline(orderRef, 2);
      expect(items.map((i) => i.channel).sort(), String(channels)).toEqual(['email', 'print']);
    }
  });

  it("GIVEN store.channels ['pigeon'] or [] THEN 400 naming store.channels", async () => {
    const envelope = await loadEnvelope('02-order-invoiced');
    for (const [channels, path] of [[['pigeon'], 'store.channels.0'], [[], 'store.channels']] as const) {
      const response = await signedFetch('POST', '/v1/events', { body: json({ ...envelope, id: `channels:bad:${path}`, store: { ...(envelope.store as object), channels } }) });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { issues: Array<{ path: string }> } };
      expect(body.error.issues.map((i) => i.path)).toContain(path);
    }
  });
});
