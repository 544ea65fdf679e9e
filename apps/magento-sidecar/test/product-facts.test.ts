import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from './helpers/signed-client.ts';
import { eventually, loadEnvelope, startStack, type Stack } from './helpers/start-stack.ts';

const SECRET = 'facts-store-secret-0123456789';

const RULES = [
  { eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', communicationId: 'comm-oc', templateVersion: '1' },
  // The module sends the "Product type attribute" value (or the attribute set name) as productType.
  { eventKind: 'order.placed', documentType: 'warranty_document', channel: 'print', productType: 'Manteau', communicationId: 'comm-garantie-manteau', templateVersion: '1' },
];

/**
 * The module's `products` block (its catalog facts for the items) goes through the signed intake
 * to the planner: a warranty rule on the configured product type selects only that item.
 */
describe('product facts from the Magento module, over HTTP', () => {
  let stack: Stack;
  let signedFetch: ReturnType<Stack['client']>;
  let storeId: string;
  beforeAll(async () => {
    stack = await startStack({ name: 'pglite' });
    storeId = (await stack.registerStore('facts-store', SECRET, { connect: true, rules: RULES })).id;
    signedFetch = stack.client('facts-store', SECRET);
  });
  afterAll(async () => stack?.close());

  it('GIVEN an order envelope with products THEN a warranty listing only the coat is sent to Exstream', async () => {
    const envelope = await loadEnvelope('15-order-placed-with-products');
    const response = await signedFetch('POST', '/v1/events', { body: json(envelope) });
    expect(response.status, await response.clone().text()).toBe(202);

    const rows = await eventually(async () => {
      const found = await stack.db.prisma.communication.findMany({ where: { storeId, orderRef: '000000142' } });
      return found.length === 2 && found.every((r) => ['sent', 'delivered', 'opened'].includes(r.status)) ? found : null;
    }, 'the order confirmation and the coat warranty sent');
    const warranty = rows.find((r) => r.documentType === 'warranty_document')!;
    expect(warranty.exstreamCommunicationId).toBe('comm-garantie-manteau');
    const sent = stack.sandbox.requests().find((r) => r.idempotencyKey === warranty.idempotencyKey && r.path.endsWith('/generate'));
    const data = sent!.body as { products: Array<{ sku: string; productType: string; attributeSet: string; categories: string[] }> };
    expect(data.products).toEqual([expect.objectContaining({ sku: 'JKT-HIVER-M', productType: 'Manteau', attributeSet: "Vêtements d'hiver", categories: ['Vêtements', "Manteaux d'hiver"] })]);

    // The timeline the module reads shows both.
    const timeline = (await (await signedFetch('GET', '/v1/orders/000000142/communications')).json()) as { items: Array<{ documentType: string }> };
    expect(timeline.items.map((i) => i.documentType).sort()).toEqual(['order_confirmation', 'warranty_document']);
  });

  it('GIVEN a malformed products block THEN 400 naming the fact field, and nothing stored', async () => {
    const envelope = await loadEnvelope('15-order-placed-with-products');
    const products = envelope.products as Array<Record<string, unknown>>;
    const bad = { ...envelope, id: 'facts:bad', products: [{ ...products[0], tags: 'garantie-2-ans' }, { productType: 'sans identifiant' }] };
    const before = await stack.db.prisma.inboundEvent.count({ where: { storeId } });
    const response = await signedFetch('POST', '/v1/events', { body: json(bad) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; issues: Array<{ path: string }> } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['products.0.tags', 'products.1.productId']));
    expect(await stack.db.prisma.inboundEvent.count({ where: { storeId } })).toBe(before);
  });
});
