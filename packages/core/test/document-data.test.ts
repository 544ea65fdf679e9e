import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  ConnectError,
  DOCUMENT_TYPES,
  ZCommerceEvent,
  ZTemplateRule,
  buildDocumentData,
  planCommunications,
  documentJsonSchemas,
  validateDocumentData,
  type TChannel,
  type TCommerceEvent,
  type TDocumentType,
} from '../src/index.ts';
import { magentoEvent, productFacts, shopifyEvent } from './helpers.ts';

const PUBLISHED = import.meta.glob<Record<string, unknown>>('../schemas/v1/*.schema.json', { import: 'default' });

async function published(documentType: TDocumentType): Promise<Record<string, unknown>> {
  const load = PUBLISHED[`../schemas/v1/${documentType}.schema.json`];
  if (!load) throw new Error(`schemas/v1/${documentType}.schema.json is not published; run npm run schemas`);
  return load();
}

const STORE = { name: 'Velo Polska', brand: 'velo', locale: 'pl', timezone: 'Europe/Warsaw' };
const META = { communicationId: 'cm_01J0000000000000000000', templateVersion: '3', idempotencyKey: 'shopify:velo-polska:order.placed:5501234567890|order_confirmation|email' };

const replenishmentEvent = (): TCommerceEvent =>
  ZCommerceEvent.parse({
    kind: 'replenishment.due',
    platform: 'shopify',
    occurredAt: '2026-07-01T08:00:00Z',
    sourceRef: 'sub-42',
    orderRef: '5501234567890',
    orderNumber: '#1001',
    customer: { ref: '7702180987069', email: 'lucja.wroblewska@example.pl', phone: null, firstName: 'Łucja', lastName: 'Wróblewska', locale: 'pl', isGuest: false },
    brand: null,
    locale: 'pl',
    order: null,
    replenishment: {
      dueAt: '2026-07-05T00:00:00Z',
      reorderUrl: 'https://velo-polska.example/reorder/42',
      lines: [
        { ref: 'l1', sku: 'CHN-LUBE-50', name: 'Smar do łańcucha 50 ml', variant: null, productType: 'Consumable', tags: [], categories: [], attributeSet: null, platformProductType: null, quantity: 1, unitPrice: { amount: '39.00', currency: 'PLN' }, discount: null, total: { amount: '39.00', currency: 'PLN' }, taxLines: [] },
      ],
    },
  });

const statementEvent = (): TCommerceEvent =>
  ZCommerceEvent.parse({
    kind: 'statement.period_closed',
    platform: 'shopify',
    occurredAt: '2026-06-30T23:59:59Z',
    sourceRef: 'gid://shopify/CompanyLocation/501',
    orderRef: null,
    orderNumber: null,
    customer: { ref: 'gid://shopify/Company/77', email: 'ksiegowosc@rowery-lodz.example.pl', phone: null, firstName: null, lastName: null, locale: 'pl', isGuest: false },
    brand: null,
    locale: 'pl',
    order: null,
    statement: {
      accountRef: 'B2B-77',
      accountName: 'Rowery Łódź Sp. z o.o.',
      periodStart: '2026-06-01',
      periodEnd: '2026-06-30',
      currency: 'PLN',
      openingBalance: { amount: '1200.00', currency: 'PLN' },
      closingBalance: { amount: '1563.30', currency: 'PLN' },
      dueDate: '2026-07-14',
      billingAddress: { firstName: null, lastName: null, company: 'Rowery Łódź Sp. z o.o.', line1: 'ul. Zgierska 12', line2: null, city: 'Łódź', region: null, regionCode: null, postalCode: '91-002', countryCode: 'PL', phone: null },
      lines: [
        { kind: 'order', date: '2026-06-03', ref: '#1001', description: 'Zamówienie #1001', debit: { amount: '563.30', currency: 'PLN' }, credit: null, balance: { amount: '1763.30', currency: 'PLN' } },
        { kind: 'payment', date: '2026-06-20', ref: 'PAY-88', description: 'Płatność przelewem', debit: null, credit: { amount: '200.00', currency: 'PLN' }, balance: { amount: '1563.30', currency: 'PLN' } },
      ],
      paymentInstructions: {
        instructions: 'Prosimy o przelew w terminie 14 dni.',
        reference: 'B2B-77',
        payUrl: 'https://rowery.example.pl/pay/B2B-77',
        bankName: 'mBank S.A.',
        accountHolder: 'Velo Polska Sp. z o.o.',
        iban: 'PL61109010140000071219812874',
        bic: 'BREXPLPWMBK',
        accountNumber: null,
        bankCode: null,
      },
    },
  });

/** One realistic source event per document type, from the platform fixtures where one exists. */
const SOURCES: Record<TDocumentType, () => Promise<TCommerceEvent>> = {
  order_confirmation: () => shopifyEvent('orders/create', 'orders-create'),
  invoice: () => magentoEvent('02-order-invoiced'),
  packing_slip: () => magentoEvent('03-shipment-created'),
  shipping_notice: () => shopifyEvent('fulfillments/create', 'fulfillments-create'),
  delivery_notice: () => shopifyEvent('fulfillments/update', 'fulfillments-update-delivered'),
  delay_notice: () => magentoEvent('08-order-delayed'),
  backorder_notice: () => magentoEvent('09-order-backordered'),
  cancellation: () => shopifyEvent('orders/cancelled', 'orders-cancelled'),
  refund_confirmation: () => shopifyEvent('refunds/create', 'refunds-create'),
  credit_memo: () => magentoEvent('05-creditmemo-created'),
  return_authorization: () => shopifyEvent('returns/approve', 'returns-approve', { receivedAt: '2026-06-01T08:00:00Z' }),
  return_update: () => shopifyEvent('returns/decline', 'returns-decline', { receivedAt: '2026-06-01T08:00:00Z' }),
  payment_failure_notice: () => shopifyEvent('order_transactions/create', 'order-transactions-create-failure'),
  dispute_notice: () => shopifyEvent('disputes/create', 'disputes-create'),
  warranty_document: () => shopifyEvent('orders/create', 'orders-create'),
  compliance_document: () => magentoEvent('01-order-placed'),
  abandoned_cart_reminder: () => magentoEvent('06-cart-abandoned'),
  replenishment_reminder: async () => replenishmentEvent(),
  account_statement: async () => statementEvent(),
};

async function build(documentType: TDocumentType, channel: TChannel = 'email') {
  return buildDocumentData({ event: await SOURCES[documentType](), documentType, channel, store: STORE, meta: META });
}

describe('document data contract v1', () => {
  const ajv = new Ajv({ allErrors: true });

  it.each(DOCUMENT_TYPES)('%s: built from a real event, valid in zod and against its published JSON Schema', async (documentType) => {
    const data = await build(documentType);
    expect(data.documentType).toBe(documentType);
    expect(data.schemaVersion).toBe('1');
    expect(data.meta).toMatchObject({ ...META, schemaVersion: '1' });
    expect(data.delivery).toEqual({ channel: 'email' });
    expect(validateDocumentData(JSON.parse(JSON.stringify(data)))).toEqual(data);

    const validate = ajv.compile(await published(documentType));
    const valid = validate(JSON.parse(JSON.stringify(data)));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the committed JSON Schema files are exactly what the zod schemas generate (run npm run schemas)', async () => {
    const generated = documentJsonSchemas();
    expect(Object.keys(PUBLISHED).sort()).toEqual(DOCUMENT_TYPES.map((t) => `../schemas/v1/${t}.schema.json`).sort());
    for (const documentType of DOCUMENT_TYPES) {
      expect(await published(documentType), `${documentType}.schema.json drifted`).toEqual(generated[documentType]);
    }
  });

  it('rejects an invalid document with the path of the offending field, in zod and in JSON Schema', async () => {
    const data = JSON.parse(JSON.stringify(await build('order_confirmation'))) as { order: { lines: Array<{ total: { amount: unknown } }> } };
    data.order.lines[0]!.total.amount = 387; // a float, not a decimal string

    let error: unknown = null;
    try {
      validateDocumentData(data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe('VALIDATION_FAILED');
    expect((error as ConnectError).issues.map((i) => i.path)).toEqual(['order.lines.0.total.amount']);
    expect((error as ConnectError).message).toContain('order.lines.0.total.amount');

    const validate = ajv.compile(await published('order_confirmation'));
    expect(validate(data)).toBe(false);
    expect(validate.errors!.map((e) => e.dataPath)).toContain('.order.lines[0].total.amount');
  });

  it('rejects a document whose type is unknown or whose meta lacks the idempotency key', async () => {
    expect(() => validateDocumentData({ documentType: 'postcard' })).toThrow(/documentType/);
    const data = JSON.parse(JSON.stringify(await build('invoice'))) as { meta: Record<string, unknown> };
    delete data.meta.idempotencyKey;
    expect(() => validateDocumentData(data)).toThrow(/meta\.idempotencyKey/);
  });
});

describe('buildDocumentData', () => {
  it('carries brand, locale, currency, recipient, addresses, totals and legal keys (order confirmation, Poland)', async () => {
    const data = await build('order_confirmation');
    expect(data.brand).toEqual({ code: 'velo', storeName: 'Velo Polska' });
    expect(data.locale).toBe('pl');
    expect(data.timezone).toBe('Europe/Warsaw');
    expect(data.currency).toBe('PLN');
    expect(data.recipient).toMatchObject({ name: 'Łucja Wróblewska', email: 'lucja.wroblewska@example.pl', isGuest: false });
    expect(data.shippingAddress).toMatchObject({ city: 'Łódź' });
    expect(data.legal.keys).toEqual(['legal.company_details', 'legal.terms_of_sale', 'legal.privacy_notice', 'legal.withdrawal_right.eu']);
    if (data.documentType !== 'order_confirmation') throw new Error('type');
    expect(data.order.totals.total).toEqual({ amount: '563.30', currency: 'PLN' });
    expect(data.order.taxLines[0]!.amount.amount).toBe('105.34');
  });

  it('a shipping notice without the order takes the address from the shipment destination', async () => {
    const data = await build('shipping_notice');
    if (data.documentType !== 'shipping_notice') throw new Error('type');
    expect(data.order).toBeNull();
    expect(data.shippingAddress).toMatchObject({ city: 'Brno', line1: 'Řeznická 17' });
    expect(data.shipment.trackingUrls[0]).toContain('packeta');
    expect(data.recipient).toMatchObject({ email: 'jiri.dvorak@example.cz', name: 'Jiří Dvořák' });
    // No amounts and no order: ISO 4217's "no currency" instead of a guess.
    expect(data.currency).toBe('XXX');
  });

  it('a credit memo carries its number, refund lines and the adjustment', async () => {
    const data = await build('credit_memo', 'print');
    if (data.documentType !== 'credit_memo') throw new Error('type');
    expect(data.creditMemo).toMatchObject({ number: '000000033', total: { amount: '20.87', currency: 'CAD' }, adjustment: { amount: '-5.00' } });
    expect(data.currency).toBe('CAD');
    expect(data.delivery.channel).toBe('print');
    expect(data.legal.keys).toContain('legal.tax_invoice_notice.ca');
  });

  it('a return authorization carries instructions; a statement carries lines, balances and totals', async () => {
    const rma = await build('return_authorization');
    if (rma.documentType !== 'return_authorization') throw new Error('type');
    expect(rma.instructions.stepKeys).toContain('return.attach_label');
    const statement = await build('account_statement');
    if (statement.documentType !== 'account_statement') throw new Error('type');
    expect(statement.statement).toMatchObject({
      totalDebits: { amount: '563.30', currency: 'PLN' },
      totalCredits: { amount: '200.00', currency: 'PLN' },
      amountDue: { amount: '1563.30', currency: 'PLN' },
    });
    expect(statement.billingAddress).toMatchObject({ company: 'Rowery Łódź Sp. z o.o.' });
    // Each line says what it is; the payment instructions are a block of their own, beside the statement.
    expect(statement.statement.lines.map((l) => l.kind)).toEqual(['order', 'payment']);
    expect(statement.paymentInstructions).toMatchObject({ reference: 'B2B-77', iban: 'PL61109010140000071219812874', payUrl: 'https://rowery.example.pl/pay/B2B-77' });
    expect(statement.statement).not.toHaveProperty('paymentInstructions');
  });

  it('a statement line must say what it is, and payment instructions are checked field by field', () => {
    const event = statementEvent();
    if (event.kind !== 'statement.period_closed') throw new Error('kind');
    const { kind: _kind, ...untyped } = event.statement.lines[0]!;
    const missingKind = ZCommerceEvent.safeParse({ ...event, statement: { ...event.statement, lines: [untyped] } });
    expect(missingKind.success).toBe(false);
    expect(missingKind.error?.issues.map((i) => i.path.join('.'))).toContain('statement.lines.0.kind');
    const badKind = ZCommerceEvent.safeParse({ ...event, statement: { ...event.statement, lines: [{ ...untyped, kind: 'refund' }] } });
    expect(badKind.success).toBe(false);
    const badBank = ZCommerceEvent.safeParse({
      ...event,
      statement: { ...event.statement, paymentInstructions: { ...event.statement.paymentInstructions!, iban: 'PL61 1090', payUrl: 'javascript:alert(1)' } },
    });
    expect(badBank.success).toBe(false);
    expect(badBank.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['statement.paymentInstructions.iban', 'statement.paymentInstructions.payUrl']);
  });

  it('payment failure and dispute documents carry their details', async () => {
    const payment = await build('payment_failure_notice');
    if (payment.documentType !== 'payment_failure_notice') throw new Error('type');
    expect(payment.payment).toMatchObject({ errorCode: 'card_declined', amount: { amount: '563.30', currency: 'PLN' } });
    const dispute = await build('dispute_notice');
    if (dispute.documentType !== 'dispute_notice') throw new Error('type');
    expect(dispute.dispute).toMatchObject({ type: 'chargeback', evidenceDueBy: '2026-06-20T19:00:00-04:00' });
  });

  it('marketing documents carry the unsubscribe legal text', async () => {
    expect((await build('abandoned_cart_reminder')).legal.keys).toContain('legal.marketing_unsubscribe');
    expect((await build('invoice')).legal.keys).not.toContain('legal.marketing_unsubscribe');
  });

  it('is deterministic: the same input gives the same JSON', async () => {
    expect(JSON.stringify(await build('invoice'))).toBe(JSON.stringify(await build('invoice')));
  });

  it('a warranty document lists only the products its rule matched: helmet + gloves, helmet rule → the helmet', async () => {
    // GIVEN order #1001 (a helmet and two pairs of gloves) with the product facts the Shopify adapter passes
    const event = await shopifyEvent('orders/create', 'orders-create', { products: await productFacts('shopify-velo-polska') });
    const helmetWarranty = ZTemplateRule.parse({
      id: 'helmet-warranty', eventKind: 'order.placed', documentType: 'warranty_document', brand: null, locale: null, channel: 'print',
      fallbackChannels: [], productType: 'Helmet', skuPrefix: null, tag: null, country: null, communicationId: 'comm-warranty',
      serviceName: null, templateVersion: '2', priority: 0, enabled: true,
    });

    // WHEN the planner picks the helmet warranty rule and the document is built with the plan's rule
    const plan = planCommunications({ event, store: { defaultBrand: 'velo', defaultLocale: 'pl' }, rules: [helmetWarranty], preferences: [] })
      .find((p) => p.documentType === 'warranty_document');
    expect(plan).toMatchObject({ status: 'queued', rule: { id: 'helmet-warranty' } });
    const data = buildDocumentData({ event, documentType: 'warranty_document', channel: 'print', store: STORE, meta: META, rule: plan!.rule });

    // THEN the document is about the helmet only; the order block still shows the whole order
    if (data.documentType !== 'warranty_document') throw new Error('type');
    expect(data.products.map((p) => [p.sku, p.productType, p.quantity])).toEqual([['HLM-AERO-M', 'Helmet', 1]]);
    expect(data.order.lines.map((l) => l.sku)).toEqual(['HLM-AERO-M', 'GLV-WIN-L']);
    expect(data.legal.keys).toEqual(['legal.company_details', 'legal.warranty_terms', 'legal.warranty_terms.pl']);

    // A gloves rule on the same order gives the gloves; a rule without line matchers, every line
    const gloves = buildDocumentData({ event, documentType: 'warranty_document', channel: 'print', store: STORE, meta: META, rule: { ...helmetWarranty, productType: null, skuPrefix: 'GLV-' } });
    if (gloves.documentType !== 'warranty_document') throw new Error('type');
    expect(gloves.products.map((p) => p.sku)).toEqual(['GLV-WIN-L']);
    const everything = buildDocumentData({ event, documentType: 'compliance_document', channel: 'archive', store: STORE, meta: META, rule: { id: 'pl-compliance', productType: null, skuPrefix: null, tag: null } });
    if (everything.documentType !== 'compliance_document') throw new Error('type');
    expect(everything.products.map((p) => p.sku)).toEqual(['HLM-AERO-M', 'GLV-WIN-L']);
  });

  it('refuses a warranty document whose rule selects no line (never an empty product list)', async () => {
    const event = await shopifyEvent('orders/create', 'orders-create', { products: await productFacts('shopify-velo-polska') });
    expect(() => buildDocumentData({ event, documentType: 'warranty_document', channel: 'print', store: STORE, meta: META, rule: { id: 'saddle', productType: 'Saddle', skuPrefix: null, tag: null } })).toThrow(
      expect.objectContaining({ code: 'NOT_CONFIGURED', issues: [{ path: 'rule', message: 'rule saddle matches no line' }] }),
    );
    const data = JSON.parse(JSON.stringify(await build('warranty_document'))) as { products: unknown[] };
    data.products = [];
    expect(() => validateDocumentData(data)).toThrow(/products/);
  });

  it('refuses a document the event cannot fill (a shipping notice for a placed order) as NOT_CONFIGURED', async () => {
    const event = await shopifyEvent('orders/create', 'orders-create');
    expect(() => buildDocumentData({ event, documentType: 'shipping_notice', channel: 'email', store: STORE, meta: META })).toThrow(
      expect.objectContaining({ code: 'NOT_CONFIGURED', issues: [{ path: 'documentType', message: 'shipping_notice needs a shipment' }] }),
    );
  });
});
