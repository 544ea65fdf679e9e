import { describe, expect, it } from 'vitest';
import { ConnectError, MAGENTO_EVENT_NAMES, ZCommerceEvent, ZMagentoEventEnvelope, businessKeyFor, mapMagentoEvent } from '../src/index.ts';
import { MAGENTO_ENVELOPES } from './fixture-catalog.ts';
import { as, fixture, magento, magentoEvent, productFacts } from './helpers.ts';

const LIFECYCLE = ['01-order-placed', '02-order-invoiced', '03-shipment-created', '04-shipment-track-added', '05-creditmemo-created', '06-cart-abandoned'];

describe('mapMagentoEvent: a full order lifecycle', () => {
  it.each(LIFECYCLE)('%s validates as an envelope and maps to valid commerce events', async (name) => {
    const envelope = await fixture(`magento/envelopes/${name}`);
    expect(ZMagentoEventEnvelope.safeParse(envelope).success).toBe(true);
    const { events } = mapMagentoEvent(envelope);
    expect(events).toHaveLength(1);
    expect(ZCommerceEvent.parse(events[0])).toEqual(events[0]);
  });

  it('order.placed: increment_id is the order ref, order currency is presentment, base currency is the shop', async () => {
    const event = as(await magentoEvent('01-order-placed'), 'order.placed');
    expect(event.orderRef).toBe('000000142');
    expect(event.orderNumber).toBe('000000142');
    expect(event.brand).toBe('nordique');
    expect(event.locale).toBe('fr-CA');
    expect(event.occurredAt).toBe('2026-05-26T18:30:03Z');
    expect(event.order.currency).toBe('USD');
    expect(event.order.presentmentCurrency).toBe('CAD');
    expect(event.order.totals).toMatchObject({
      subtotal: { amount: '250.00', currency: 'CAD' },
      discounts: { amount: '25.00', currency: 'CAD' },
      shipping: { amount: '15.00', currency: 'CAD' },
      tax: { amount: '35.94', currency: 'CAD' },
      total: { amount: '275.94', currency: 'CAD' },
      totalInShopCurrency: { amount: '204.40', currency: 'USD' },
    });
    expect(event.order.taxLines).toEqual([
      { title: 'TPS', rate: '0.05', amount: { amount: '12.00', currency: 'CAD' } },
      { title: 'TVQ', rate: '0.09975', amount: { amount: '23.94', currency: 'CAD' } },
    ]);
    expect(event.order.discounts).toEqual([{ code: 'HIVER10', type: null, amount: { amount: '25.00', currency: 'CAD' } }]);
  });

  it('lists configurable parents once (children skipped) with discounts and taxes per line', async () => {
    const event = as(await magentoEvent('01-order-placed'), 'order.placed');
    expect(event.order.lines.map((l) => l.ref)).toEqual(['301', '303']);
    expect(event.order.lines[0]).toMatchObject({ sku: 'JKT-HIVER-M', name: "Manteau d'hiver Ærø", total: { amount: '180.00' }, discount: { amount: '20.00' } });
    expect(event.order.lines[1]).toMatchObject({ quantity: 2, unitPrice: { amount: '25.00' }, total: { amount: '45.00' }, taxLines: [{ rate: '0.14975', amount: { amount: '6.74' } }] });
  });

  it("keeps Magento's technical product_type out of productType; the merchant's type comes from product facts", async () => {
    // WITHOUT facts: no merchant type, no tags; "configurable" / "simple" is only the technical kind
    const bare = as(await magentoEvent('01-order-placed'), 'order.placed');
    expect(bare.order.lines.map((l) => [l.sku, l.productType, l.tags, l.platformProductType])).toEqual([
      ['JKT-HIVER-M', null, [], 'configurable'],
      ['WRN-GANT-01', null, [], 'simple'],
    ]);

    // WITH the facts the module sends: type, tags, categories and attribute set per item; the
    // configurable jacket is found by its child's product id (the variant bought)
    const event = as(await magentoEvent('01-order-placed', { products: await productFacts('magento-nordique') }), 'order.placed');
    expect(event.order.lines.map((l) => ({ sku: l.sku, productType: l.productType, tags: l.tags, categories: l.categories, attributeSet: l.attributeSet, platformProductType: l.platformProductType }))).toEqual([
      { sku: 'JKT-HIVER-M', productType: 'Manteau', tags: ['garantie-2-ans'], categories: ['Vêtements', "Manteaux d'hiver"], attributeSet: "Vêtements d'hiver", platformProductType: 'configurable' },
      { sku: 'WRN-GANT-01', productType: 'Gants', tags: ['laine-mérinos'], categories: ['Accessoires', 'Gants et mitaines'], attributeSet: 'Accessoires', platformProductType: 'simple' },
    ]);
    const byChild = as(await magentoEvent('01-order-placed', { products: [{ variantId: 1202, productType: 'Parka' }, { productId: 1201, productType: 'Manteau' }] }), 'order.placed');
    expect(byChild.order.lines[0]!.productType).toBe('Parka');

    // Invoice lines and the invoice's order get the same facts
    const invoiced = as(await magentoEvent('02-order-invoiced', { products: await productFacts('magento-nordique') }), 'order.invoiced');
    expect(invoiced.invoice.lines.map((l) => l.productType)).toEqual(['Manteau', 'Gants']);
  });

  it('rejects malformed product facts naming the field under context.products', async () => {
    const attempt = magentoEvent('01-order-placed', { products: [{ productId: 1201, productType: 7 }] as never });
    await expect(attempt).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'context.products.0.productType' }] });
  });

  it('takes the shipping address from extension_attributes.shipping_assignments', async () => {
    const event = as(await magentoEvent('01-order-placed'), 'order.placed');
    expect(event.order.shippingAddress).toMatchObject({ line1: '88, avenue du Mont-Royal Est', company: 'Atelier Tremblay inc.', city: 'Montréal', regionCode: 'QC', countryCode: 'CA' });
    expect(event.order.billingAddress).toMatchObject({ line1: '1234, rue Saint-Denis', line2: 'app. 5' });
    expect(event.customer).toMatchObject({ ref: '88', firstName: 'Élodie', email: 'elodie.tremblay@example.ca', isGuest: false, locale: 'fr-CA' });
  });

  it('order.invoiced: the invoice entity with the parent order', async () => {
    const event = as(await magentoEvent('02-order-invoiced'), 'order.invoiced');
    expect(event.sourceRef).toBe('71');
    expect(event.invoice).toMatchObject({ ref: '71', number: '000000071', createdAt: '2026-05-26T18:45:10Z', totals: { total: { amount: '275.94', currency: 'CAD' } } });
    expect(event.invoice.lines.map((l) => l.sku)).toEqual(['JKT-HIVER-M', 'WRN-GANT-01']);
  });

  it('shipment.created → fulfillment.created; shipment.track_added → fulfillment.updated with all tracks', async () => {
    const created = as(await magentoEvent('03-shipment-created'), 'fulfillment.created');
    expect(created.shipment).toMatchObject({ ref: '55', number: '000000055', carrier: 'Postes Canada', trackingNumbers: ['7023210039414604'], trackingUrls: [] });
    expect(created.shipment.destination).toMatchObject({ city: 'Montréal', line1: '88, avenue du Mont-Royal Est' });
    // The configurable's child item (302) is not a line of its own.
    expect(created.shipment.lines).toEqual([{ lineRef: '301', sku: 'JKT-HIVER-M', name: "Manteau d'hiver Ærø", quantity: 1 }]);
    const updated = as(await magentoEvent('04-shipment-track-added'), 'fulfillment.updated');
    expect(updated.shipment.trackingNumbers).toEqual(['7023210039414604', '1Z999AA10123456784']);
    expect(updated.shipment.carrier).toBe('United Parcel Service');
    expect(businessKeyFor(updated)).not.toBe(businessKeyFor(created));
  });

  it('several shipments of one order: each parcel is its own event, business key, lines and tracking', async () => {
    // GIVEN order 000000142 shipped in two parcels: the jacket by Postes Canada, the gloves a day later by DHL
    const first = as(await magentoEvent('03-shipment-created'), 'fulfillment.created');
    const second = as(await magentoEvent('12-shipment-created-second-parcel'), 'fulfillment.created');

    // THEN both belong to the same order…
    expect([first.orderRef, second.orderRef]).toEqual(['000000142', '000000142']);
    // …but are two facts, each with only its own items and its own track
    expect(first.shipment).toMatchObject({ ref: '55', number: '000000055', carrier: 'Postes Canada', trackingNumbers: ['7023210039414604'] });
    expect(second.shipment).toMatchObject({ ref: '56', number: '000000056', carrier: 'DHL Express', trackingNumbers: ['4719385062'], trackingUrls: [] });
    expect(first.shipment.lines.map((l) => [l.sku, l.quantity])).toEqual([['JKT-HIVER-M', 1]]);
    expect(second.shipment.lines).toEqual([{ lineRef: '303', sku: 'WRN-GANT-01', name: 'Gants en laine « Forêt »', quantity: 2 }]);
    expect([first.sourceRef, second.sourceRef]).toEqual(['55', '56']);
    expect(second.occurredAt).toBe('2026-05-28T16:21:34Z');
    expect(businessKeyFor(first)).toBe('magento:fulfillment.created:000000142:55');
    expect(businessKeyFor(second)).toBe('magento:fulfillment.created:000000142:56');
    // The order is complete by the second parcel, and both parcels go to the same address
    expect(second.order?.fulfillmentStatus).toBe('complete');
    expect(second.shipment.destination).toEqual(first.shipment.destination);
  });

  it('creditmemo.created → credit_memo.created: a partial refund with restock and a negative adjustment', async () => {
    const event = as(await magentoEvent('05-creditmemo-created'), 'credit_memo.created');
    expect(event.refund).toMatchObject({ ref: '33', number: '000000033', isPartial: true, total: { amount: '20.87', currency: 'CAD' }, adjustment: { amount: '-5.00', currency: 'CAD' }, shipping: null });
    // The zero-quantity line of the memo is not a refunded line.
    expect(event.refund.lines).toEqual([
      { lineRef: '303', sku: 'WRN-GANT-01', name: 'Gants en laine « Forêt »', quantity: 1, amount: { amount: '22.50', currency: 'CAD' }, tax: { amount: '3.37', currency: 'CAD' }, restock: true },
    ]);
    expect(event.refund.note).toContain('restockage');
    expect(event.order?.totals.refunded).toEqual({ amount: '20.87', currency: 'CAD' });
  });

  it('cart.abandoned: a Greek guest cart with computed totals and the recovery URL from detail', async () => {
    const event = as(await magentoEvent('06-cart-abandoned'), 'cart.abandoned');
    expect(event.customer).toMatchObject({ ref: null, email: 'eleni.georgiou@example.gr', firstName: 'Ελένη', lastName: 'Γεωργίου', isGuest: true, locale: 'el-GR' });
    expect(event.cart.lines.map((l) => [l.sku, l.quantity, l.total.amount])).toEqual([
      ['TEA-MNT-100', 3, '19.50'],
      ['HNY-THY-450', 1, '12.90'],
    ]);
    expect(event.cart.total).toEqual({ amount: '32.40', currency: 'EUR' });
    expect(event.cart.recoveryUrl).toContain('quote=512');
  });
});

describe('mapMagentoEvent: the other events', () => {
  it('order.cancelled carries the latest status comment as the reason', async () => {
    const event = as(await magentoEvent('07-order-cancelled'), 'order.cancelled');
    expect(event.cancellation).toEqual({ reason: 'Annulée à la demande de la cliente.', cancelledAt: '2026-05-26T20:00:00Z' });
  });

  it('order.delayed → shipment.delayed with the reason and new date from detail', async () => {
    const event = as(await magentoEvent('08-order-delayed'), 'shipment.delayed');
    expect(event.delay).toEqual({ reason: 'carrier_capacity', expectedAt: '2026-06-02T17:00:00Z' });
    expect(event.shipment).toBeNull();
  });

  it('order.backordered lists only the backordered items', async () => {
    const event = as(await magentoEvent('09-order-backordered'), 'order.backordered');
    expect(event.backorder).toEqual({ lines: [{ lineRef: '303', sku: 'WRN-GANT-01', name: 'Gants en laine « Forêt »', quantity: 2 }], expectedAt: '2026-06-15T00:00:00Z' });
  });

  it('order.backordered without a backordered item is ignored with the reason', async () => {
    const envelope = (await fixture('magento/envelopes/09-order-backordered')) as { entity: { items: Array<{ qty_backordered: number }> } };
    for (const item of envelope.entity.items) item.qty_backordered = 0;
    const result = mapMagentoEvent(envelope);
    expect(result.events).toEqual([]);
    expect(result.ignored).toContain('qty_backordered');
  });

  it('customer.consent_changed maps newsletter status 3 to unsubscribed; status 2 is ignored', async () => {
    const event = as(await magentoEvent('10-customer-consent-changed'), 'customer.consent_changed');
    expect(event.consent).toEqual({ channel: 'email', state: 'unsubscribed', source: 'magento:newsletter:ca_fr', updatedAt: '2026-06-04T08:30:00Z' });
    expect(event.customer).toMatchObject({ ref: '88', email: 'elodie.tremblay@example.ca' });
    const envelope = (await fixture('magento/envelopes/10-customer-consent-changed')) as { entity: { subscriber_status: number } };
    envelope.entity.subscriber_status = 2;
    expect(mapMagentoEvent(envelope).ignored).toContain('not a consent decision');
  });

  it('a guest order with missing optional fields (virtual, no shipping, Cyrillic billing only)', async () => {
    const event = as(await magentoEvent('11-order-placed-guest'), 'order.placed');
    expect(event.customer).toEqual({ ref: null, email: 'maria.petrova@example.bg', phone: '+359 32 123 456', firstName: 'Мария', lastName: 'Петрова', locale: 'bg-BG', isGuest: true });
    expect(event.order.shippingAddress).toBeNull();
    expect(event.order.billingAddress).toMatchObject({ city: 'Пловдив', line1: 'бул. „Шести септември“ 152', region: null });
    expect(event.order.discounts).toEqual([]);
    expect(event.order.taxLines).toEqual([]);
    expect(event.brand).toBeNull();
    // No occurred_at in the envelope: the entity's created_at dates the event.
    expect(event.occurredAt).toBe('2026-05-29T07:12:55Z');
  });

  it('covers every Magento event name with a fixture', async () => {
    const names = new Set<string>();
    for (const file of Object.keys(MAGENTO_ENVELOPES)) {
      names.add(((await fixture(`magento/envelopes/${file}`)) as { event: string }).event);
    }
    expect([...names].sort()).toEqual([...MAGENTO_EVENT_NAMES].sort());
  });

  it.each(Object.entries(MAGENTO_ENVELOPES))('%s maps to exactly %j', async (name, kinds) => {
    const { events, ignored } = await magento(name);
    expect(events.map((e) => e.kind)).toEqual(kinds);
    expect(ignored).toBeNull();
  });
});

describe('mapMagentoEvent: B2B orders (Adobe Commerce company accounts)', () => {
  it('keeps the company of company_order_attributes and the customer group on the order snapshot', async () => {
    const placed = as(await magentoEvent('13-order-placed-b2b-company'), 'order.placed');
    expect(placed.order.company).toEqual({ ref: '12', name: 'Atelier Boréal inc.' });
    expect(placed.order.customerGroupRef).toBe('2');
    expect(placed.order.billingAddress).toMatchObject({ company: 'Atelier Boréal inc.', line2: 'bureau 300' });
    expect(placed.order.paymentMethod).toBe('companycredit');
    expect(placed.order.totals.total).toEqual({ amount: '714.85', currency: 'CAD' });
    // The invoice's parent order carries the same company: an invoice is charged to the company account.
    const invoiced = as(await magentoEvent('14-order-invoiced-b2b-company'), 'order.invoiced');
    expect(invoiced.order.company).toEqual({ ref: '12', name: 'Atelier Boréal inc.' });
    expect(invoiced.invoice).toMatchObject({ number: '000000088', totals: { total: { amount: '714.85', currency: 'CAD' } } });
  });

  it('an open-source Magento order has no company (a billing company alone is not one) but keeps its group', async () => {
    const event = as(await magentoEvent('01-order-placed'), 'order.placed');
    expect(event.order.company).toBeNull();
    expect(event.order.customerGroupRef).toBe('1');
    expect(as(await magentoEvent('11-order-placed-guest'), 'order.placed').order.customerGroupRef).toBe('0');
    // Company id 0 (a B2B install, order not placed for a company) is no company either.
    const envelope = (await fixture('magento/envelopes/13-order-placed-b2b-company')) as { entity: { extension_attributes: { company_order_attributes: { company_id: number } } } };
    envelope.entity.extension_attributes.company_order_attributes.company_id = 0;
    expect(as(mapMagentoEvent(envelope).events[0]!, 'order.placed').order.company).toBeNull();
  });

  it('rejects a company id that is not an integer, naming its path', async () => {
    const envelope = (await fixture('magento/envelopes/13-order-placed-b2b-company')) as { entity: { extension_attributes: { company_order_attributes: Record<string, unknown> } } };
    envelope.entity.extension_attributes.company_order_attributes.company_id = 'ACME';
    expect(() => mapMagentoEvent(envelope)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'entity.extension_attributes.company_order_attributes.company_id' })] }),
    );
  });
});

describe('mapMagentoEvent: invalid envelopes', () => {
  it('names the entity field at fault', async () => {
    const envelope = (await fixture('magento/envelopes/03-shipment-created')) as { entity: { tracks: Array<Record<string, unknown>> } };
    delete envelope.entity.tracks[0]!.track_number;
    expect(() => mapMagentoEvent(envelope)).toThrow(ConnectError);
    try {
      mapMagentoEvent(envelope);
    } catch (error) {
      expect((error as ConnectError).issues.map((i) => i.path)).toContain('entity.tracks.0.track_number');
    }
  });

  it('requires the parent order for an invoice, shipment or credit memo', async () => {
    const envelope = (await fixture('magento/envelopes/02-order-invoiced')) as Record<string, unknown>;
    delete envelope.order;
    expect(() => mapMagentoEvent(envelope)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'order' })] }));
  });

  it('rejects an unknown event name and a missing store on their paths', () => {
    const attempt = () => mapMagentoEvent({ id: 'x', event: 'order.exploded', entity: {} });
    expect(attempt).toThrow(ConnectError);
    try {
      attempt();
    } catch (error) {
      expect((error as ConnectError).issues.map((i) => i.path)).toEqual(expect.arrayContaining(['event', 'store']));
    }
  });

  it('rejects a Magento date that is not a date', async () => {
    const envelope = (await fixture('magento/envelopes/01-order-placed')) as Record<string, unknown>;
    envelope.occurred_at = 'yesterday';
    expect(() => mapMagentoEvent(envelope)).toThrow(/occurred_at/);
  });
});
