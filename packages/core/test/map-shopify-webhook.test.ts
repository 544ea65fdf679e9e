import { describe, expect, it } from 'vitest';
import { ConnectError, SHOPIFY_TOPICS, ZCommerceEvent, businessKeyFor, mapShopifyWebhook } from '../src/index.ts';
import { SHOPIFY_FIXTURES, SHOPIFY_FIXTURE_FILES } from './fixture-catalog.ts';
import { SHOP, as, fixture, productFacts, shopify, shopifyEvent } from './helpers.ts';

describe('mapShopifyWebhook: orders', () => {
  it('orders/create → order.placed with presentment money, the shop total beside it, discounts and taxes', async () => {
    // GIVEN a Polish order paid in PLN on a EUR shop, with a 10 % code and VAT included
    const event = as(await shopifyEvent('orders/create', 'orders-create'), 'order.placed');

    // THEN every amount is in the customer's currency, and the shop-currency total is kept
    expect(ZCommerceEvent.parse(event)).toEqual(event);
    expect(event.orderRef).toBe('5501234567890');
    expect(event.orderNumber).toBe('#1001');
    expect(event.order.currency).toBe('EUR');
    expect(event.order.presentmentCurrency).toBe('PLN');
    expect(event.order.totals.total).toEqual({ amount: '563.30', currency: 'PLN' });
    expect(event.order.totals.totalInShopCurrency).toEqual({ amount: '131.00', currency: 'EUR' });
    expect(event.order.totals.discounts).toEqual({ amount: '60.20', currency: 'PLN' });
    expect(event.order.totals.shipping).toEqual({ amount: '21.50', currency: 'PLN' });
    expect(event.order.taxesIncluded).toBe(true);
    expect(event.order.discounts).toEqual([{ code: 'WIOSNA10', type: 'percentage', amount: { amount: '60.20', currency: 'PLN' } }]);
    expect(event.order.taxLines).toEqual([{ title: 'PL VAT', rate: '0.23', amount: { amount: '105.34', currency: 'PLN' } }]);

    const [helmet, gloves] = event.order.lines;
    expect(helmet).toMatchObject({ sku: 'HLM-AERO-M', quantity: 1, unitPrice: { amount: '430.00', currency: 'PLN' }, discount: { amount: '43.00' }, total: { amount: '387.00' } });
    expect(gloves).toMatchObject({ sku: 'GLV-WIN-L', quantity: 2, unitPrice: { amount: '86.00' }, discount: { amount: '17.20' }, total: { amount: '154.80' } });
    expect(gloves!.taxLines[0]!.amount).toEqual({ amount: '28.95', currency: 'PLN' });
    expect(event.order.tags).toEqual(['wholesale-preview', 'helmet-promo']);
  });

  it('keeps the B2B company and company location of an order; an order without one has none', async () => {
    // GIVEN a Shopify Plus B2B order (the webhook names company and location by id only)
    const body = { ...((await fixture('shopify/orders-create')) as Record<string, unknown>), company: { id: 3421001, location_id: 8810044 } };
    const b2b = as(mapShopifyWebhook('orders/create', body, SHOP).events[0]!, 'order.placed');
    expect(ZCommerceEvent.parse(b2b)).toEqual(b2b);
    expect(b2b.order.company).toEqual({ ref: '3421001', name: null, locationRef: '8810044' });
    const noLocation = as(mapShopifyWebhook('orders/create', { ...body, company: { id: 3421001, location_id: null } }, SHOP).events[0]!, 'order.placed');
    expect(noLocation.order.company).toEqual({ ref: '3421001', name: null, locationRef: null });
    const retail = as(await shopifyEvent('orders/create', 'orders-create'), 'order.placed');
    expect(retail.order.company).toBeNull();
  });

  it('keeps non-Latin names and addresses intact (Polish Łódź)', async () => {
    const event = await shopifyEvent('orders/create', 'orders-create');
    expect(event.customer).toMatchObject({ firstName: 'Łucja', lastName: 'Wróblewska', email: 'lucja.wroblewska@example.pl', locale: 'pl', isGuest: false, ref: '7702180987069' });
    expect(event.order!.shippingAddress).toMatchObject({ city: 'Łódź', line1: 'ul. Piotrkowska 104', line2: 'm. 12', postalCode: '90-926', countryCode: 'PL' });
    expect(event.locale).toBe('pl');
  });

  it('a guest checkout (no customer object) with missing optional fields still maps, in Greek', async () => {
    const event = as(await shopifyEvent('orders/create', 'orders-create-guest'), 'order.placed');
    expect(event.customer).toEqual({ ref: null, email: 'nikos.p@example.gr', phone: null, firstName: 'Νίκος', lastName: 'Παπαδόπουλος', locale: null, isGuest: true });
    expect(event.locale).toBeNull();
    expect(event.order.shippingMethod).toBeNull();
    expect(event.order.discounts).toEqual([]);
    expect(event.order.lines[0]).toMatchObject({ sku: null, name: 'Θερμός 500ml', variant: null, total: { amount: '50.00', currency: 'EUR' } });
    expect(event.order.shippingAddress).toMatchObject({ city: 'Αθήνα', line2: null, region: null, countryCode: 'GR', phone: null });
    expect(event.order.totals.total).toEqual({ amount: '62.00', currency: 'EUR' });
  });

  it('orders/paid → order.paid dated by updated_at, with the paid amounts in both currencies', async () => {
    const paid = as(await shopifyEvent('orders/paid', 'orders-paid'), 'order.paid');
    expect(paid).toMatchObject({ orderRef: '5501234567890', orderNumber: '#1001', sourceRef: '5501234567890', occurredAt: '2026-05-26T14:32:40+02:00', payment: null });
    expect(paid.order).toMatchObject({ financialStatus: 'paid', paymentMethod: 'shopify_payments', currency: 'EUR', presentmentCurrency: 'PLN', taxesIncluded: true });
    expect(paid.order.totals).toEqual({
      subtotal: { amount: '541.80', currency: 'PLN' },
      discounts: { amount: '60.20', currency: 'PLN' },
      shipping: { amount: '21.50', currency: 'PLN' },
      tax: { amount: '105.34', currency: 'PLN' },
      total: { amount: '563.30', currency: 'PLN' },
      totalInShopCurrency: { amount: '131.00', currency: 'EUR' },
      refunded: null,
    });
    expect(paid.order.lines.map((l) => [l.sku, l.quantity, l.total.amount, l.total.currency])).toEqual([
      ['HLM-AERO-M', 1, '387.00', 'PLN'],
      ['GLV-WIN-L', 2, '154.80', 'PLN'],
    ]);
    expect(paid.customer).toMatchObject({ email: 'lucja.wroblewska@example.pl', isGuest: false });
  });

  it('orders/cancelled → order.cancelled with the reason (Cyrillic)', async () => {
    const cancelled = as(await shopifyEvent('orders/cancelled', 'orders-cancelled'), 'order.cancelled');
    expect(cancelled.cancellation).toEqual({ reason: 'customer', cancelledAt: '2026-05-28T15:30:00+03:00' });
    expect(cancelled.customer).toMatchObject({ firstName: 'Мария', lastName: 'Петрова', locale: 'bg-BG' });
    expect(cancelled.order.shippingAddress).toMatchObject({ city: 'София', line1: 'ул. „Витоша“ 15', regionCode: 'BG-22' });
  });

  it('orders/fulfilled with several shipments takes the latest one (Czech ř)', async () => {
    const event = as(await shopifyEvent('orders/fulfilled', 'orders-fulfilled'), 'order.fulfilled');
    expect(event.shipment).toMatchObject({ ref: '5123456780002', number: '#1003.2', carrier: 'Zásilkovna', trackingNumbers: ['DR1234567890Z'] });
    expect(event.shipment!.lines).toEqual([{ lineRef: '15003320000102', sku: 'GLS-CYC-01', name: 'Cyklistické brýle', quantity: 1 }]);
    expect(event.customer).toMatchObject({ firstName: 'Jiří', lastName: 'Dvořák', locale: 'cs-CZ' });
    expect(event.order.shippingAddress).toMatchObject({ line1: 'Řeznická 17', company: 'Dvořák & syn s.r.o.' });
  });

  it('orders/partially_fulfilled → order.partially_fulfilled with the one shipment so far', async () => {
    const event = as(await shopifyEvent('orders/partially_fulfilled', 'orders-partially-fulfilled'), 'order.partially_fulfilled');
    expect(event.shipment).toMatchObject({ ref: '5123456780001', carrier: 'PPL', trackingUrls: ['https://www.ppl.cz/vyhledat-zasilku?shipmentId=CZ4100012345'] });
    expect(event.order.fulfillmentStatus).toBe('partial');
  });

  it('accepts the enum topic form the Remix library returns (ORDERS_CREATE)', async () => {
    const { events } = mapShopifyWebhook('ORDERS_CREATE', await fixture('shopify/orders-create'), SHOP);
    expect(events[0]!.kind).toBe('order.placed');
    const { events: failed } = mapShopifyWebhook('ORDER_TRANSACTIONS_CREATE', await fixture('shopify/order-transactions-create-failure'), SHOP);
    expect(failed[0]!.kind).toBe('payment.failed');
  });

  it('without product facts a line has no product type or tags (the webhook carries none)', async () => {
    const event = await shopifyEvent('orders/create', 'orders-create');
    for (const line of event.order!.lines) expect(line).toMatchObject({ productType: null, tags: [], categories: [], attributeSet: null, platformProductType: null });
  });

  it('takes product type, tags and categories from the Admin GraphQL product facts (Product GIDs)', async () => {
    const event = await shopifyEvent('orders/create', 'orders-create', { products: await productFacts('shopify-velo-polska') });
    expect(event.order!.lines.map((l) => [l.sku, l.productType, l.tags, l.categories.at(-1)])).toEqual([
      ['HLM-AERO-M', 'Helmet', ['warranty-2y', 'EN 1078'], 'Bicycle Helmets'],
      ['GLV-WIN-L', 'Gloves', ['winter'], 'Gloves & Mittens'],
    ]);
    // Shopify's "no product type" is "": it stays null rather than a type named "".
    const guest = await shopifyEvent('orders/create', 'orders-create-guest', { products: await productFacts('shopify-velo-polska') });
    expect(guest.order!.lines[0]!.productType).toBeNull();
    // Cart lines (checkouts/update) get the same facts.
    const cart = as(await shopifyEvent('checkouts/update', 'checkouts-update', { products: await productFacts('shopify-velo-polska') }), 'cart.abandoned');
    expect(cart.cart.lines[0]).toMatchObject({ sku: 'HLM-AERO-S', productType: 'Helmet' });
  });

  it('a variant fact beats a SKU fact, which beats a product fact', async () => {
    const products = [
      { productId: 8712442880189, productType: 'Helmet' },
      { sku: 'HLM-AERO-M', productType: 'Helmet (SKU)' },
      { variantId: 'gid://shopify/ProductVariant/46870091137213', productType: 'Helmet (variant)' },
      { sku: 'GLV-WIN-L', productType: 'Gloves (SKU)' },
      { productId: '8712443011261', productType: 'Gloves' },
    ];
    const event = await shopifyEvent('orders/create', 'orders-create', { products });
    expect(event.order!.lines.map((l) => l.productType)).toEqual(['Helmet (variant)', 'Gloves (SKU)']);
  });

  it('rejects malformed product facts naming the field under context.products', async () => {
    const attempt = shopify('orders/create', 'orders-create', { products: [{ productType: 'Helmet' }, { productId: 1, tags: 'a,b' }] as never });
    await expect(attempt).rejects.toMatchObject({ code: 'VALIDATION_FAILED', httpStatus: 400 });
    const paths = await attempt.catch((e: ConnectError) => e.issues.map((i) => i.path));
    expect(paths).toEqual(['context.products.0.productId', 'context.products.1.tags']);
  });
});

describe('mapShopifyWebhook: fulfillments', () => {
  it('fulfillments/create → fulfillment.created with tracking and destination, order number from the name', async () => {
    const event = as(await shopifyEvent('fulfillments/create', 'fulfillments-create'), 'fulfillment.created');
    expect(event.orderRef).toBe('5501234600002');
    expect(event.orderNumber).toBe('#1003');
    expect(event.order).toBeNull();
    expect(event.customer).toMatchObject({ email: 'jiri.dvorak@example.cz', firstName: 'Jiří' });
    expect(event.shipment.destination).toMatchObject({ city: 'Brno', countryCode: 'CZ' });
  });

  it('fulfillments/update → fulfillment.updated, shipment.delivered or shipment.delayed by shipment_status', async () => {
    const updated = as(await shopifyEvent('fulfillments/update', 'fulfillments-update'), 'fulfillment.updated');
    expect(updated.shipment.trackingNumbers).toEqual(['DR1234567890Z', 'DR1234567891Z']);
    expect(updated.shipment.estimatedDeliveryAt).toBe('2026-05-31T18:00:00+02:00');
    const delivered = as(await shopifyEvent('fulfillments/update', 'fulfillments-update-delivered'), 'shipment.delivered');
    expect(delivered.shipment.deliveredAt).toBe('2026-05-31T11:47:30+02:00');
    const delayed = as(await shopifyEvent('fulfillments/update', 'fulfillments-update-failure'), 'shipment.delayed');
    expect(delayed.delay.reason).toBe('delivery_failure');
  });

  it('a new tracking number is a new business fact; a redelivery of the same update is not', async () => {
    const first = await shopifyEvent('fulfillments/update', 'fulfillments-update');
    const again = await shopifyEvent('fulfillments/update', 'fulfillments-update');
    const created = await shopifyEvent('fulfillments/create', 'fulfillments-create');
    expect(businessKeyFor(first)).toBe(businessKeyFor(again));
    expect(businessKeyFor(first)).not.toBe(businessKeyFor(created));
  });

  it('with the order as context, fulfillment events carry the order snapshot and customer', async () => {
    const event = await shopifyEvent('fulfillments/create', 'fulfillments-create', { order: await fixture('shopify/orders-fulfilled') });
    expect(event.order?.number).toBe('#1003');
    expect(event.customer).toMatchObject({ ref: '7702181112233', locale: 'cs-CZ' });
  });
});

describe('mapShopifyWebhook: refunds, returns, disputes, transactions', () => {
  it('refunds/create → a partial refund with presentment amounts and the refunded line', async () => {
    const event = as(await shopifyEvent('refunds/create', 'refunds-create'), 'refund.created');
    expect(event.refund.lines).toEqual([
      { lineRef: '15003318993085', sku: 'GLV-WIN-L', name: 'Rękawiczki zimowe - L', quantity: 1, amount: { amount: '77.40', currency: 'PLN' }, tax: { amount: '14.47', currency: 'PLN' }, restock: true },
    ]);
    expect(event.refund.total).toEqual({ amount: '77.40', currency: 'PLN' });
    expect(event.refund.isPartial).toBe(true);
    expect(event.refund.note).toBe('Jedna para uszkodzona');
  });

  it('refunds/create with the order context compares against the order total', async () => {
    const event = as(await shopifyEvent('refunds/create', 'refunds-create', { order: await fixture('shopify/orders-paid') }), 'refund.created');
    expect(event.refund.isPartial).toBe(true);
    expect(event.customer?.email).toBe('lucja.wroblewska@example.pl');
    expect(event.orderNumber).toBe('#1001');
  });

  it('a shipping-only refund shows the shipping refunded as a positive amount', async () => {
    const event = as(await shopifyEvent('refunds/create', 'refunds-create-shipping-only'), 'refund.created');
    expect(event.refund.lines).toEqual([]);
    expect(event.refund.shipping).toEqual({ amount: '21.50', currency: 'PLN' });
    expect(event.refund.total).toEqual({ amount: '21.50', currency: 'PLN' });
  });

  it('returns/request, returns/approve, returns/decline → return.* with reasons and notes', async () => {
    const order = await fixture('shopify/orders-fulfilled');
    const requested = as(await shopifyEvent('returns/request', 'returns-request', { order, receivedAt: '2026-06-01T08:00:00Z' }), 'return.requested');
    expect(requested.return).toMatchObject({ ref: '3547267221', name: '#1003-R1', status: 'requested' });
    expect(requested.return.lines).toEqual([{ lineRef: '15003320000102', sku: 'GLS-CYC-01', name: 'Cyklistické brýle', quantity: 1, reason: 'size_too_small', customerNote: 'Brýle jsou příliš úzké.' }]);
    expect(requested.occurredAt).toBe('2026-06-01T08:00:00Z');
    const declined = as(await shopifyEvent('returns/decline', 'returns-decline', { receivedAt: '2026-06-01T08:00:00Z' }), 'return.declined');
    expect(declined.return).toMatchObject({ declineReason: 'final_sale', declineNote: 'Zboží ve výprodeji nelze vrátit.' });
    // Without the order the line name is a placeholder, never empty.
    expect(declined.return.lines[0]!.name).toBe('Line item 15003320000102');
  });

  it('returns/approve → return.approved with the approved line, reason, note and the customer from the payload', async () => {
    const approved = as(await shopifyEvent('returns/approve', 'returns-approve', { receivedAt: '2026-06-01T08:00:00Z' }), 'return.approved');
    expect(approved).toMatchObject({ sourceRef: '3547267221', orderRef: '5501234600002', orderNumber: '#1003', occurredAt: '2026-06-01T08:00:00Z', order: null });
    expect(approved.return).toEqual({
      ref: '3547267221',
      name: '#1003-R1',
      status: 'open',
      lines: [{ lineRef: '15003320000102', sku: null, name: 'Line item 15003320000102', quantity: 1, reason: 'size_too_small', customerNote: 'Brýle jsou příliš úzké.' }],
      declineReason: null,
      declineNote: null,
    });
    expect(approved.customer).toMatchObject({ ref: '7702181112233', email: 'jiri.dvorak@example.cz', firstName: 'Jiří', lastName: 'Dvořák', phone: '+420603123456' });
    // With the order as context the returned line is named and the SKU known.
    const withOrder = as(
      await shopifyEvent('returns/approve', 'returns-approve', { receivedAt: '2026-06-01T08:00:00Z', order: await fixture('shopify/orders-fulfilled') }),
      'return.approved',
    );
    expect(withOrder.return.lines[0]).toMatchObject({ sku: 'GLS-CYC-01', name: 'Cyklistické brýle', quantity: 1 });
    expect(withOrder.locale).toBe('cs-CZ');
  });

  it('a return without any timestamp and no receivedAt is rejected naming the field', async () => {
    await expect(shopify('returns/request', 'returns-request')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'updated_at' }] });
  });

  it('disputes/create → dispute.opened; disputes/update → dispute.updated with a new key per status', async () => {
    const opened = as(await shopifyEvent('disputes/create', 'disputes-create'), 'dispute.opened');
    expect(opened.dispute).toMatchObject({ type: 'chargeback', status: 'needs_response', reason: 'fraudulent', amount: { amount: '563.30', currency: 'PLN' }, evidenceDueBy: '2026-06-20T19:00:00-04:00' });
    const updated = as(await shopifyEvent('disputes/update', 'disputes-update'), 'dispute.updated');
    expect(updated.dispute.status).toBe('under_review');
    expect(businessKeyFor(updated)).toContain('under_review');
  });

  it('order_transactions/create: a failure → payment.failed, a success → ignored with a reason', async () => {
    const failed = as(await shopifyEvent('order_transactions/create', 'order-transactions-create-failure'), 'payment.failed');
    expect(failed.payment).toMatchObject({ errorCode: 'card_declined', message: 'Your card was declined.', amount: { amount: '563.30', currency: 'PLN' }, gateway: 'shopify_payments' });
    const ok = await shopify('order_transactions/create', 'order-transactions-create-success');
    expect(ok.events).toEqual([]);
    expect(ok.ignored).toContain('success');
  });
});

describe('mapShopifyWebhook: checkouts and customers', () => {
  it('checkouts/update with an email and no completed_at → cart.abandoned', async () => {
    const event = as(await shopifyEvent('checkouts/update', 'checkouts-update'), 'cart.abandoned');
    expect(event.cart).toMatchObject({ ref: 'e4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9', currency: 'EUR', total: { amount: '100.00', currency: 'EUR' } });
    expect(event.cart.recoveryUrl).toContain('/recover?key=');
    expect(event.customer).toMatchObject({ email: 'olga.smirnova@example.com', firstName: 'Ольга', lastName: 'Смирнова', locale: 'ru' });
  });

  it('a completed checkout or one without an email is ignored with the reason', async () => {
    expect((await shopify('checkouts/update', 'checkouts-update-completed')).ignored).toContain('completed');
    expect((await shopify('checkouts/update', 'checkouts-update-no-email')).ignored).toContain('no email');
  });

  it('customers/update → one customer.consent_changed per marketing channel', async () => {
    const { events } = await shopify('customers/update', 'customers-update');
    expect(events.map((e) => (e.kind === 'customer.consent_changed' ? [e.consent.channel, e.consent.state] : null))).toEqual([
      ['email', 'unsubscribed'],
      ['sms', 'subscribed'],
    ]);
    const email = as(events[0]!, 'customer.consent_changed');
    expect(email.consent.source).toBe('shopify:confirmed_opt_in');
    expect(email.customer?.email).toBe('lucja.wroblewska@example.pl');
  });

  it('a pending (unconfirmed double opt-in) consent is not a decision', async () => {
    const result = await shopify('customers/update', 'customers-update-pending');
    expect(result.events).toEqual([]);
    expect(result.ignored).toContain('pending');
  });
});

describe('mapShopifyWebhook: invalid input', () => {
  it('names each field at fault', async () => {
    const payload = (await fixture('shopify/orders-create')) as Record<string, unknown> & { line_items: Array<Record<string, unknown>> };
    delete payload.name;
    payload.line_items[1]!.quantity = 'two';
    const error = (() => {
      try {
        mapShopifyWebhook('orders/create', payload, SHOP);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ConnectError);
    const issues = (error as ConnectError).issues.map((i) => i.path);
    expect(issues).toEqual(expect.arrayContaining(['name', 'line_items.1.quantity']));
    expect((error as ConnectError).httpStatus).toBe(400);
  });

  it('rejects an unknown topic on the topic field and a non-object payload', () => {
    expect(() => mapShopifyWebhook('products/create', {}, SHOP)).toThrow(/topic/);
    expect(() => mapShopifyWebhook('orders/create', 'not json', SHOP)).toThrow(ConnectError);
  });

  it('covers exactly the sixteen product topics, each with a fixture that maps to its event', () => {
    expect(SHOPIFY_TOPICS).toHaveLength(16);
    expect(Object.keys(SHOPIFY_FIXTURES).sort()).toEqual([...SHOPIFY_TOPICS].sort());
    for (const topic of SHOPIFY_TOPICS) {
      expect(SHOPIFY_FIXTURES[topic].some((f) => f.kinds.length > 0), `${topic} has no fixture that produces an event`).toBe(true);
    }
  });

  it.each(SHOPIFY_FIXTURE_FILES)('%s (%s) maps to exactly %j', async (name, topic, kinds) => {
    const { events, ignored } = await shopify(topic, name, { receivedAt: '2026-06-01T08:00:00Z' });
    expect(events.map((e) => e.kind)).toEqual(kinds);
    expect(ignored === null).toBe(kinds.length > 0);
  });
});
