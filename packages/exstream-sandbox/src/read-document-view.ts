/**
 * Turns whatever document data a caller sent into the small, normalised view the PDF renderer
 * draws. It is deliberately tolerant: the sandbox must render the core "document data contract v1"
 * and also older or partial payloads, so every field is optional and several spellings are accepted.
 */

export type AddressView = { label: string; lines: string[] };
export type LabelledValue = { label: string; value: string; emphasis?: boolean };
export type TrackingView = { carrier: string; number: string; url: string };
/** A five-column table (the PDF layout has five column slots); empty cells stay empty. */
export type TableView = { title: string; columns: string[]; rows: string[][]; totals: LabelledValue[] };
export type SectionView = { title: string; rows: LabelledValue[] };

export type DocumentView = {
  title: string;
  documentType: string | null;
  brand: string | null;
  locale: string;
  currency: string | null;
  reference: string | null;
  date: string | null;
  recipient: { name: string | null; email: string | null; phone: string | null } | null;
  addresses: AddressView[];
  /** Product lines with the order totals, when the data has them. */
  items: TableView | null;
  shippingMethod: string | null;
  tracking: TrackingView[];
  /** Shipment items, refunds, returns, statement lines... */
  tables: TableView[];
  sections: SectionView[];
  communicationId: string | null;
  templateVersion: string | null;
  idempotencyKey: string | null;
  channel: string | null;
};

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return null;
}

function firstText(obj: unknown, ...keys: string[]): string | null {
  if (!isObj(obj)) return null;
  for (const key of keys) {
    let current: unknown = obj;
    for (const part of key.split('.')) current = isObj(current) ? current[part] : undefined;
    const t = text(current);
    if (t !== null) return t;
  }
  return null;
}

function firstValue(obj: unknown, ...keys: string[]): unknown {
  if (!isObj(obj)) return undefined;
  for (const key of keys) {
    let current: unknown = obj;
    for (const part of key.split('.')) current = isObj(current) ? current[part] : undefined;
    if (current !== undefined && current !== null) return current;
  }
  return undefined;
}

/** `order_confirmation`, `orderConfirmation`, `order-confirmation` → "Order confirmation". */
export function humanize(value: string): string {
  const words = value
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export type MoneyFormatter = (value: unknown) => string;

// Intl.NumberFormat is costly to build and batches render many records with the same locale and currency.
const formatters = new Map<string, Intl.NumberFormat | null>();
function formatterFor(locale: string, currency: string): Intl.NumberFormat | null {
  const key = `${locale}|${currency}`;
  if (!formatters.has(key)) {
    let f: Intl.NumberFormat | null;
    try {
      f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    } catch {
      try {
        f = new Intl.NumberFormat('en', { style: 'currency', currency });
      } catch {
        f = null;
      }
    }
    if (formatters.size > 1000) formatters.clear();
    formatters.set(key, f);
  }
  return formatters.get(key) ?? null;
}

function moneyFormatter(locale: string, defaultCurrency: string | null): MoneyFormatter {
  return (value: unknown): string => {
    let amount: unknown = value;
    let currency = defaultCurrency;
    if (isObj(value)) {
      amount = firstValue(value, 'amount', 'value');
      const minor = firstValue(value, 'amountMinor', 'minor', 'cents');
      if (amount === undefined && (typeof minor === 'number' || typeof minor === 'string')) amount = Number(minor) / 100;
      currency = firstText(value, 'currency', 'currencyCode') ?? currency;
    }
    const n = typeof amount === 'number' ? amount : typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : NaN;
    if (!Number.isFinite(n)) return text(amount) ?? '';
    const f = currency ? formatterFor(locale, currency) : null;
    // Some locales use U+202F as a group separator; a plain no-break space renders the same everywhere.
    if (f) return f.format(n).replace(/\u202f/g, '\u00a0');
    return currency ? `${n.toFixed(2)} ${currency}` : n.toFixed(2);
  };
}

function readAddress(label: string, value: unknown): AddressView | null {
  if (typeof value === 'string') return { label, lines: value.split(/\r?\n/).filter((l) => l.trim() !== '') };
  if (!isObj(value)) return null;
  const name =
    firstText(value, 'name', 'fullName') ??
    ([firstText(value, 'firstName', 'firstname'), firstText(value, 'lastName', 'lastname')].filter(Boolean).join(' ') || null);
  const street = firstValue(value, 'lines', 'street');
  const streetLines = Array.isArray(street) ? street.map(text).filter((s): s is string => s !== null) : [];
  for (const key of ['address1', 'line1', 'address2', 'line2']) {
    const t = firstText(value, key);
    if (t) streetLines.push(t);
  }
  if (typeof street === 'string') streetLines.push(street);
  const cityLine = [
    firstText(value, 'postalCode', 'postcode', 'zip'),
    firstText(value, 'city'),
    firstText(value, 'region', 'province', 'provinceCode', 'state', 'regionCode'),
  ]
    .filter(Boolean)
    .join(' ');
  const lines = [
    name,
    firstText(value, 'company'),
    ...streetLines,
    cityLine || null,
    firstText(value, 'country', 'countryCode', 'countryId'),
    firstText(value, 'phone', 'telephone'),
  ].filter((l): l is string => l !== null && l !== '');
  return lines.length > 0 ? { label, lines } : null;
}

/** `humanize`: a code printed as a word ("adjustment" → "Adjustment"). */
type ColumnSpec = { label: string; keys: string[]; money?: boolean; humanize?: boolean };

const PRODUCT_COLUMNS: ColumnSpec[] = [
  { label: 'SKU', keys: ['sku', 'code'] },
  { label: 'Description', keys: ['description', 'name', 'title', 'productName'] },
  { label: 'Qty', keys: ['quantity', 'qty', 'qtyOrdered'] },
  { label: 'Unit price', keys: ['unitPrice', 'price', 'unitAmount'], money: true },
  { label: 'Total', keys: ['total', 'lineTotal', 'amount', 'subtotal', 'rowTotal'], money: true },
];
const REFUND_COLUMNS: ColumnSpec[] = [
  { label: 'SKU', keys: ['sku', 'code'] },
  { label: 'Description', keys: ['description', 'name', 'title'] },
  { label: 'Qty', keys: ['quantity', 'qty', 'qtyRefunded'] },
  { label: 'Tax', keys: ['tax'], money: true },
  { label: 'Refunded', keys: ['amount', 'total'], money: true },
];
const SHIPMENT_COLUMNS: ColumnSpec[] = [
  { label: 'SKU', keys: ['sku', 'code'] },
  { label: 'Item', keys: ['name', 'description', 'title'] },
  { label: 'Qty', keys: ['quantity', 'qty'] },
  { label: 'Reason', keys: ['reason'] },
  { label: '', keys: [] },
];
const STATEMENT_COLUMNS: ColumnSpec[] = [
  { label: 'Date', keys: ['date'] },
  { label: 'Description', keys: ['description', 'ref'] },
  // What the line is (order, invoice, credit, payment, adjustment): the contract's `kind`.
  { label: 'Type', keys: ['kind'], humanize: true },
  { label: 'Debit', keys: ['debit'], money: true },
  { label: 'Credit', keys: ['credit'], money: true },
  { label: 'Balance', keys: ['balance'], money: true },
];

function readTable(title: string, value: unknown, columns: ColumnSpec[], money: MoneyFormatter, totals: LabelledValue[] = []): TableView | null {
  if (!Array.isArray(value)) return totals.length > 0 ? { title, columns: columns.map((c) => c.label), rows: [], totals } : null;
  const rows = value.filter(isObj).map((line) =>
    columns.map((column, i) => {
      const v = firstValue(line, ...column.keys);
      if (v === undefined) return '';
      if (column.money) return money(v);
      const t = column.humanize && text(v) ? humanize(text(v)!) : (text(v) ?? '');
      // The description column also shows the variant ("T-shirt (M / Blue)").
      const variant = i === 1 ? firstText(line, 'variant', 'variantTitle') : null;
      return variant ? `${t} (${variant})` : t;
    }),
  );
  if (rows.length === 0 && totals.length === 0) return null;
  return { title, columns: columns.map((c) => c.label), rows, totals };
}

const TOTAL_ORDER = ['subtotal', 'discount', 'discounts', 'shipping', 'tax', 'taxes', 'total', 'grandTotal', 'paid', 'refunded', 'due'];

function readTotals(value: unknown, money: MoneyFormatter): LabelledValue[] {
  if (!isObj(value)) return [];
  const entries = Object.entries(value).filter(
    ([key, v]) => key !== 'currency' && key !== 'currencyCode' && v !== null && v !== undefined && (typeof v === 'number' || typeof v === 'string' || (isObj(v) && 'amount' in v)),
  );
  entries.sort(([a], [b]) => {
    const ia = TOTAL_ORDER.indexOf(a);
    const ib = TOTAL_ORDER.indexOf(b);
    return (ia === -1 ? TOTAL_ORDER.length : ia) - (ib === -1 ? TOTAL_ORDER.length : ib);
  });
  return entries.map(([key, v]) => ({ label: humanize(key), value: money(v), emphasis: key === 'total' || key === 'grandTotal' }));
}

function readTracking(data: Obj): { method: string | null; tracking: TrackingView[] } {
  const shipping = firstValue(data, 'shipment', 'shipping', 'fulfillment');
  const method = firstText(shipping, 'method', 'title', 'service') ?? firstText(data, 'shippingMethod', 'order.shippingMethod');
  const sources: unknown[] = [];
  for (const candidate of [firstValue(data, 'tracking'), firstValue(shipping, 'tracking'), firstValue(data, 'shipments'), firstValue(shipping, 'shipments')]) {
    if (Array.isArray(candidate)) sources.push(...candidate);
    else if (candidate !== undefined) sources.push(candidate);
  }
  const carrierDefault = firstText(shipping, 'carrier', 'company', 'trackingCompany') ?? '';
  const tracking: TrackingView[] = [];
  for (const source of sources) {
    if (!isObj(source)) {
      const t = text(source);
      if (t) tracking.push({ carrier: carrierDefault, number: t, url: '' });
      continue;
    }
    const carrier = firstText(source, 'carrier', 'company', 'trackingCompany') ?? carrierDefault;
    const numbers = firstValue(source, 'numbers', 'trackingNumbers');
    const urls = firstValue(source, 'urls', 'trackingUrls');
    if (Array.isArray(numbers)) {
      numbers.forEach((n, i) => tracking.push({ carrier, number: text(n) ?? '', url: Array.isArray(urls) ? (text(urls[i]) ?? '') : '' }));
    } else {
      tracking.push({ carrier, number: firstText(source, 'number', 'trackingNumber') ?? '', url: firstText(source, 'url', 'trackingUrl') ?? '' });
    }
  }
  // Shapes like `shipping: { carrier, trackingNumbers: [...], trackingUrls: [...] }`.
  const flatNumbers = firstValue(shipping, 'trackingNumbers', 'numbers');
  if (Array.isArray(flatNumbers) && tracking.length === 0) {
    const urls = firstValue(shipping, 'trackingUrls', 'urls');
    flatNumbers.forEach((n, i) => tracking.push({ carrier: carrierDefault, number: text(n) ?? '', url: Array.isArray(urls) ? (text(urls[i]) ?? '') : '' }));
  } else if (tracking.length === 0) {
    const single = firstText(shipping, 'trackingNumber');
    if (single) tracking.push({ carrier: carrierDefault, number: single, url: firstText(shipping, 'trackingUrl') ?? '' });
  }
  return { method, tracking: tracking.filter((t) => t.number || t.url) };
}

/** Keys the view reads specifically; every other object-valued key becomes a generic section. */
const KNOWN_KEYS = new Set([
  'documentType', 'type', 'schemaVersion', 'version', 'brand', 'store', 'locale', 'language', 'timezone', 'currency', 'recipient',
  'customer', 'billingAddress', 'shippingAddress', 'legal', 'delivery', 'meta', 'order', 'lines', 'items', 'lineItems', 'totals',
  'shipping', 'shipment', 'fulfillment', 'tracking', 'shipments', 'shippingMethod', 'refund', 'refundLines', 'creditMemo', 'return',
  'statement', 'orderNumber', 'orderName', 'documentNumber', 'number', 'reference', 'date', 'issuedAt', 'createdAt', 'channel',
]);

function isMoney(v: unknown): v is Obj {
  return isObj(v) && 'amount' in v && ('currency' in v || Object.keys(v).length === 1);
}

/** Keys whose generic label reads badly ("Iban", "Pay url"): what a reader expects instead. */
const LABELS: Record<string, string> = {
  iban: 'IBAN',
  bic: 'BIC',
  payUrl: 'Pay online',
  vatId: 'VAT ID',
  url: 'URL',
};
const labelOf = (key: string): string => LABELS[key] ?? humanize(key);

/** Scalars, money and simple nested objects of a sub-object as label/value rows. */
function readSection(title: string, value: Obj, money: MoneyFormatter): SectionView {
  const rows: LabelledValue[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined || Array.isArray(v)) continue;
    if (isMoney(v)) rows.push({ label: labelOf(key), value: money(v) });
    else if (isObj(v)) {
      const address = readAddress(labelOf(key), v);
      if (address) rows.push({ label: address.label, value: address.lines.join(', ') });
    } else {
      const t = text(v);
      if (t !== null) rows.push({ label: labelOf(key), value: t });
    }
  }
  return { title, rows };
}

function refundTotals(refund: unknown, money: MoneyFormatter): LabelledValue[] {
  if (!isObj(refund)) return [];
  const rows: LabelledValue[] = [];
  for (const key of ['subtotal', 'shipping', 'adjustment', 'tax', 'amount', 'total']) {
    const v = refund[key];
    if (v === undefined || v === null) continue;
    const isTotal = key === 'amount' || key === 'total';
    rows.push({ label: isTotal ? 'Refunded' : humanize(key), value: money(v), emphasis: isTotal });
  }
  return rows;
}

export function readDocumentView(input: unknown): DocumentView {
  const data: Obj = isObj(input) ? input : { value: input };
  const meta = firstValue(data, 'meta');
  const locale = firstText(data, 'locale', 'language') ?? 'en';
  const currency = firstText(data, 'currency', 'currencyCode', 'totals.currency', 'order.currency', 'statement.currency');
  const money = moneyFormatter(locale, currency);
  const documentType = firstText(data, 'documentType', 'type', 'meta.documentType');
  const recipientSource = firstValue(data, 'recipient', 'customer');
  const recipient = isObj(recipientSource)
    ? {
        name:
          firstText(recipientSource, 'name', 'fullName') ??
          ([firstText(recipientSource, 'firstName'), firstText(recipientSource, 'lastName')].filter(Boolean).join(' ') || null),
        email: firstText(recipientSource, 'email'),
        phone: firstText(recipientSource, 'phone'),
      }
    : null;
  const addresses = [
    readAddress('Billing address', firstValue(data, 'billingAddress', 'order.billingAddress', 'addresses.billing')),
    readAddress('Shipping address', firstValue(data, 'shippingAddress', 'order.shippingAddress', 'shipment.destination', 'addresses.shipping')),
  ].filter((a): a is AddressView => a !== null);

  const totals = readTotals(firstValue(data, 'totals', 'order.totals', 'invoice.totals'), money);
  const items = readTable('Items', firstValue(data, 'lines', 'items', 'lineItems', 'invoice.lines', 'order.lines', 'cart.lines', 'products', 'replenishment.lines'), PRODUCT_COLUMNS, money, totals);

  const tables: TableView[] = [];
  const push = (t: TableView | null) => {
    if (t) tables.push(t);
  };
  push(readTable('Items in this shipment', firstValue(data, 'shipment.lines'), SHIPMENT_COLUMNS, money));
  push(readTable('Backordered items', firstValue(data, 'backorder.lines'), SHIPMENT_COLUMNS, money));
  const refund = firstValue(data, 'refund', 'creditMemo');
  push(readTable('Refunded items', firstValue(data, 'refundLines', 'refund.lines', 'refund.items', 'creditMemo.lines'), REFUND_COLUMNS, money, refundTotals(refund, money)));
  push(readTable('Returned items', firstValue(data, 'return.lines'), SHIPMENT_COLUMNS, money));
  const statement = firstValue(data, 'statement');
  if (isObj(statement)) {
    const balances: LabelledValue[] = [];
    for (const key of ['openingBalance', 'totalDebits', 'totalCredits', 'closingBalance', 'amountDue']) {
      if (statement[key] !== undefined && statement[key] !== null) balances.push({ label: humanize(key), value: money(statement[key]), emphasis: key === 'amountDue' });
    }
    push(readTable('Statement', statement.lines, STATEMENT_COLUMNS, money, balances));
  }

  const { method, tracking } = readTracking(data);
  const sections: SectionView[] = [];
  const topLevel: LabelledValue[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (KNOWN_KEYS.has(key)) continue;
    if (isObj(value)) {
      const section = readSection(humanize(key), value, money);
      if (section.rows.length > 0) sections.push(section);
    } else {
      const t = text(value);
      if (t !== null) topLevel.push({ label: humanize(key), value: t });
    }
  }
  for (const [key, value] of [['refund', refund], ['return', firstValue(data, 'return')], ['statement', statement]] as const) {
    if (!isObj(value)) continue;
    const section = readSection(key === 'refund' ? 'Refund details' : `${humanize(key)} details`, value, money);
    // Amounts already shown under the table are left out of the details block.
    section.rows = section.rows.filter((r) => !/^(Subtotal|Shipping|Adjustment|Tax|Amount|Total|Opening balance|Closing balance|Total debits|Total credits|Amount due)$/.test(r.label));
    if (section.rows.length > 0) sections.push(section);
  }
  if (topLevel.length > 0) sections.unshift({ title: 'Details', rows: topLevel.slice(0, 20) });

  const brandValue = firstValue(data, 'brand', 'store');
  const brand = isObj(brandValue) ? firstText(brandValue, 'storeName', 'name', 'displayName', 'code') : text(brandValue);
  return {
    title: documentType ? humanize(documentType) : 'Document',
    documentType,
    brand,
    locale,
    currency,
    reference: firstText(data, 'order.number', 'order.name', 'order.incrementId', 'orderNumber', 'orderName', 'documentNumber', 'number', 'reference', 'statement.accountRef', 'cart.ref', 'order.ref'),
    date: firstText(data, 'date', 'issuedAt', 'order.placedAt', 'order.createdAt', 'order.date', 'createdAt', 'meta.eventOccurredAt'),
    recipient: recipient && (recipient.name || recipient.email || recipient.phone) ? recipient : null,
    addresses,
    items,
    shippingMethod: method,
    tracking,
    tables,
    sections,
    communicationId: firstText(meta, 'communicationId'),
    templateVersion: firstText(meta, 'templateVersion'),
    idempotencyKey: firstText(meta, 'idempotencyKey'),
    channel: firstText(data, 'delivery.channel', 'channel', 'meta.channel'),
  };
}
