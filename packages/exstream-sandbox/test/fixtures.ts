const pln = (amount: string) => ({ amount, currency: 'PLN' });

const address = (over: Record<string, unknown>) => ({
  firstName: null,
  lastName: null,
  company: null,
  line1: null,
  line2: null,
  city: null,
  region: null,
  regionCode: null,
  postalCode: null,
  countryCode: null,
  phone: null,
  ...over,
});

const line = (ref: string, sku: string, name: string, quantity: number, unit: string, total: string) => ({
  ref,
  sku,
  name,
  variant: null,
  productType: null,
  tags: [],
  quantity,
  unitPrice: pln(unit),
  discount: null,
  total: pln(total),
  taxLines: [],
});

/**
 * Document data shaped like the core "document data contract v1" (packages/core/src/document-data.ts),
 * with non-Latin text on purpose.
 */
export function orderConfirmationData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    documentType: 'order_confirmation',
    schemaVersion: '1',
    brand: { code: 'zielony', storeName: 'Zielony Sklep' },
    locale: 'pl-PL',
    timezone: 'Europe/Warsaw',
    currency: 'PLN',
    recipient: { name: 'Łukasz Żółć', firstName: 'Łukasz', lastName: 'Żółć', email: 'lukasz+test@example.com', phone: null, customerRef: '77', isGuest: false },
    billingAddress: address({ firstName: 'Łukasz', lastName: 'Żółć', line1: 'ul. Piotrkowska 12', city: 'Łódź', postalCode: '90-001', countryCode: 'PL' }),
    shippingAddress: address({ firstName: 'Ελένη', lastName: 'Παπαδοπούλου', line1: 'Οδός Ερμού 5', city: 'Αθήνα', postalCode: '105 63', countryCode: 'GR' }),
    legal: { keys: ['legal.terms_of_sale'] },
    delivery: { channel: 'email' },
    meta: {
      communicationId: 'comm-order-confirmation',
      templateVersion: '3',
      idempotencyKey: 'idem-1001',
      schemaVersion: '1',
      platform: 'shopify',
      eventKind: 'order.placed',
      sourceRef: '5501234567890',
      eventOccurredAt: '2025-03-01T10:00:00Z',
    },
    order: {
      ref: '5501234567890',
      number: '#1001',
      placedAt: '2025-03-01T10:00:00Z',
      taxesIncluded: true,
      lines: [line('1', 'TEA-1', 'Herbata zielona', 2, '19.99', '39.98'), line('2', 'MUG-9', 'Kubek Кириллица', 1, '25.00', '25.00')],
      totals: { subtotal: pln('64.98'), discounts: pln('0.00'), shipping: pln('10.00'), tax: pln('14.95'), total: pln('89.93'), totalInShopCurrency: null, refunded: null },
      taxLines: [],
      discounts: [],
      shippingMethod: 'Kurier InPost',
      paymentMethod: 'BLIK',
      statusUrl: null,
    },
    ...overrides,
  };
}

/** A shipping notice with tracking (contract v1 `shipment`). */
export function shippingNoticeData(): Record<string, unknown> {
  const { order: _order, ...base } = orderConfirmationData();
  return {
    ...base,
    documentType: 'shipping_notice',
    order: null,
    shipment: {
      ref: 'F-1',
      number: 'F-1001-1',
      status: 'in_transit',
      carrier: 'InPost',
      trackingNumbers: ['IP-778899'],
      trackingUrls: ['https://inpost.example/IP-778899'],
      estimatedDeliveryAt: '2025-03-03T12:00:00Z',
      deliveredAt: null,
      lines: [{ lineRef: '1', sku: 'TEA-1', name: 'Herbata zielona', quantity: 2 }],
      destination: null,
    },
  };
}

/** A refund confirmation (contract v1 `refund`). */
export function refundConfirmationData(): Record<string, unknown> {
  return {
    ...orderConfirmationData(),
    documentType: 'refund_confirmation',
    refund: {
      ref: 'R-1',
      number: null,
      createdAt: '2025-03-05T09:00:00Z',
      note: 'Uszkodzony kubek',
      lines: [{ lineRef: '2', sku: 'MUG-9', name: 'Kubek Кириллица', quantity: 1, amount: pln('25.00'), tax: pln('4.67') }],
      shipping: null,
      adjustment: null,
      total: pln('25.00'),
      isPartial: true,
    },
  };
}

const eur = (amount: string) => ({ amount, currency: 'EUR' });

/** An account statement as core's buildDocumentData shapes it (statement + top-level payment instructions). */
export function accountStatementData(): Record<string, unknown> {
  return {
    documentType: 'account_statement',
    schemaVersion: '1',
    brand: { code: 'default', storeName: 'Demo Shop' },
    locale: 'de-DE',
    currency: 'EUR',
    recipient: { name: 'Rowery Łódź Sp. z o.o.', email: 'ap@rowery.example' },
    billingAddress: { company: 'Rowery Łódź Sp. z o.o.', line1: 'ul. Piotrkowska 1', city: 'Łódź', postalCode: '90-001', countryCode: 'PL' },
    statement: {
      accountRef: 'company/501/location/601',
      accountName: 'Rowery Łódź Sp. z o.o.',
      periodStart: '2026-10-01',
      periodEnd: '2026-10-31',
      currency: 'EUR',
      openingBalance: eur('59.00'),
      closingBalance: eur('118.00'),
      amountDue: eur('118.00'),
      dueDate: '2026-11-30',
      totalDebits: eur('59.00'),
      totalCredits: eur('0.00'),
      lines: [
        { kind: 'invoice', date: '2026-10-05', ref: '000000088', description: 'Invoice 000000088 for order 000000165', debit: eur('59.00'), credit: null, balance: eur('118.00') },
        { kind: 'adjustment', date: '2026-10-20', ref: '#1003', description: 'Order #1003 cancelled', debit: null, credit: null, balance: eur('118.00') },
      ],
    },
    paymentInstructions: {
      instructions: 'Bitte überweisen Sie den Betrag innerhalb von 30 Tagen.',
      reference: 'company/501/location/601',
      payUrl: 'https://pay.example/statements',
      bankName: 'Commerzbank',
      accountHolder: 'Demo Shop GmbH',
      iban: 'DE89370400440532013000',
      bic: 'COBADEFFXXX',
      accountNumber: null,
      bankCode: null,
    },
  };
}
