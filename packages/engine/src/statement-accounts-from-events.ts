import { addDecimals, compareDecimals, isZero, negateDecimal, toDecimal, type TAddress, type TCustomer, type TStatementLine } from '@exstream-connect/core';
import type { EngineContext } from './engine-context.ts';
import type { AccountStatementInput } from './run-statements.ts';
import type { StatementAccountsRequest, StatementAccountsSource } from './statement-accounts-source.ts';
import { localDateOf } from './statement-period.ts';

/** Accounts read per query: bounds memory to one page of accounts and their entries. */
const ACCOUNTS_PER_PAGE = 200;

/** The commerce events that move a B2B account's balance (or show on its statement). */
const LEDGER_KINDS = ['order.placed', 'order.paid', 'order.invoiced', 'order.cancelled', 'refund.created', 'credit_memo.created'];

type Money = { amount: string; currency: string };

/** One ledger event of a B2B order, as the page query returns it. */
type EntryRow = {
  account: string;
  kind: string;
  at: string;
  sourceRef: string;
  orderRef: string;
  orderNumber: string | null;
  orderTotal: Money | null;
  invoiceNumber: string | null;
  invoiceTotal: Money | null;
  refundNumber: string | null;
  refundTotal: Money | null;
  orderCurrency: string | null;
  /** Only on order-level events: who the account is, as its latest order says. */
  billing: TAddress | null;
  /** The B2B company's own name (Magento company_order_attributes), when the order has one. */
  companyName: string | null;
  customer: TCustomer | null;
  brand: string | null;
  locale: string | null;
};

/**
 * The B2B account of each order, from the order's own events. `company`: the company on the
 * normalised order (core's `order.company`: Adobe Commerce B2B's company_order_attributes; Shopify's
 * company and company location, one account per location since payment terms are set there).
 * `billing_company` (both platforms): a registered customer whose order's billing address names a
 * company; the account is the customer.
 */
const ACCOUNT_OF_ORDER = `CASE $4::text
  WHEN 'company' THEN CASE
    WHEN NULLIF(ev.event->'order'->'company'->>'ref', '') IS NOT NULL
    THEN 'company/' || (ev.event->'order'->'company'->>'ref') || COALESCE('/location/' || (ev.event->'order'->'company'->>'locationRef'), '') END
  ELSE CASE WHEN ev.event->'customer'->>'isGuest' = 'false' AND ev.event->'customer'->>'ref' IS NOT NULL
      AND NULLIF(btrim(ev.event->'order'->'billingAddress'->>'company'), '') IS NOT NULL
    THEN 'customer/' || (ev.event->'customer'->>'ref') END
END`;

/**
 * One page of accounts (keyset on the account key) with every ledger event of their orders up to
 * the period's end, oldest first. Everything is read from the events the engine already holds; the
 * JSON is cut down to the few fields a statement needs in the database, not here.
 */
const PAGE_SQL = `
WITH ev AS (
  SELECT e.value AS event, e.value->>'kind' AS kind, e.value->>'orderRef' AS order_ref,
         (e.value->>'occurredAt')::timestamptz AS at, ie."receivedAt" AS received_at, e.n
  FROM "InboundEvent" ie
  CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(ie.payload->'events') = 'array' THEN ie.payload->'events' ELSE '[]'::jsonb END)
    WITH ORDINALITY AS e(value, n)
  WHERE ie."storeId" = $1::uuid
    AND e.value->>'kind' = ANY($2::text[])
    AND e.value->>'orderRef' IS NOT NULL
    AND (e.value->>'occurredAt')::timestamptz < $3::timestamptz
),
order_account AS (
  SELECT DISTINCT ON (order_ref) order_ref, account
  FROM (SELECT ev.order_ref, ev.at, ${ACCOUNT_OF_ORDER} AS account FROM ev
        WHERE ev.kind IN ('order.placed', 'order.paid', 'order.cancelled', 'order.invoiced') AND jsonb_typeof(ev.event->'order') = 'object') o
  WHERE account IS NOT NULL
  ORDER BY order_ref, at DESC
),
page AS (
  SELECT DISTINCT account FROM order_account WHERE account > $5::text ORDER BY account LIMIT $6::int
)
SELECT oa.account, ev.kind, to_char(ev.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
       ev.event->>'sourceRef' AS "sourceRef", ev.order_ref AS "orderRef", ev.event->>'orderNumber' AS "orderNumber",
       ev.event->'order'->'totals'->'total' AS "orderTotal", ev.event->'order'->>'presentmentCurrency' AS "orderCurrency",
       ev.event->'invoice'->>'number' AS "invoiceNumber", ev.event->'invoice'->'totals'->'total' AS "invoiceTotal",
       ev.event->'refund'->>'number' AS "refundNumber", ev.event->'refund'->'total' AS "refundTotal",
       CASE WHEN ev.kind LIKE 'order.%' THEN ev.event->'order'->'billingAddress' END AS billing,
       CASE WHEN ev.kind LIKE 'order.%' THEN ev.event->'order'->'company'->>'name' END AS "companyName",
       CASE WHEN ev.kind LIKE 'order.%' THEN ev.event->'customer' END AS customer,
       CASE WHEN ev.kind LIKE 'order.%' THEN ev.event->>'brand' END AS brand,
       CASE WHEN ev.kind LIKE 'order.%' THEN ev.event->>'locale' END AS locale
FROM ev
JOIN order_account oa ON oa.order_ref = ev.order_ref
JOIN page ON page.account = oa.account
ORDER BY oa.account, ev.at, ev.received_at, ev.n`;

const parseJson = <T>(value: unknown): T | null => (value === null || value === undefined ? null : typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

/**
 * The engine's default StatementAccountsSource: a receivables ledger per B2B account, built from
 * the store's own order / payment / invoice / refund / credit memo events (see README, Statements):
 *
 * - Shopify: an order is charged when placed (`order`, debit), paid by `orders/paid` (`payment`,
 *   credit); a refund credits the account (`credit`), and when the order had been paid the money
 *   goes back out (`adjustment`, debit); cancelling an unpaid order reverses its charge.
 * - Magento: an order is shown without an amount; its invoices charge the account (`invoice`,
 *   debit) and credit memos credit it (`credit`). Magento sends no payment event, so payments come
 *   only from a richer source.
 *
 * One statement per account and currency; accounts with no activity in the period and a zero
 * balance get none. Reads one page of accounts at a time.
 */
export function statementAccountsFromEvents(ctx: Pick<EngineContext, 'db'>): StatementAccountsSource {
  return {
    async *accounts(request: StatementAccountsRequest): AsyncGenerator<AccountStatementInput> {
      let after = '';
      for (;;) {
        const rows = await ctx.db.sql.query<EntryRow>(PAGE_SQL, [
          request.store.id,
          LEDGER_KINDS,
          request.period.endsAt.toISOString(),
          request.settings.accounts,
          after,
          ACCOUNTS_PER_PAGE,
        ]);
        let accounts = 0;
        let start = 0;
        for (let i = 1; i <= rows.length; i++) {
          if (i < rows.length && rows[i]!.account === rows[start]!.account) continue;
          accounts++;
          after = rows[start]!.account;
          yield* statementsOfAccount(rows.slice(start, i), request);
          start = i;
        }
        if (accounts < ACCOUNTS_PER_PAGE) return;
      }
    },
  };
}

type Entry = { kind: TStatementLine['kind']; at: string; ref: string; description: string; debit: Money | null; credit: Money | null; currency: string };

/** The ledger entries of one account's events, in order. */
function ledgerEntries(rows: EntryRow[], platform: string): Entry[] {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  const paid = new Set<string>();
  const charged = new Map<string, Money>();
  // Refund webhooks carry no order number: the order's own events do.
  const numbers = new Map<string, string>();
  for (const raw of rows) if (raw.orderNumber && raw.kind.startsWith('order.')) numbers.set(raw.orderRef, raw.orderNumber);
  for (const raw of rows) {
    // The same fact delivered under two webhook ids counts once.
    const key = `${raw.kind}|${raw.sourceRef}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const orderTotal = parseJson<Money>(raw.orderTotal);
    const invoiceTotal = parseJson<Money>(raw.invoiceTotal);
    const refundTotal = parseJson<Money>(raw.refundTotal);
    const order = raw.orderNumber ?? numbers.get(raw.orderRef) ?? raw.orderRef;
    const currency = orderTotal?.currency ?? invoiceTotal?.currency ?? refundTotal?.currency ?? raw.orderCurrency ?? 'XXX';
    const at = raw.at;
    const push = (entry: Omit<Entry, 'at' | 'currency'> & { currency?: string }) => entries.push({ at, currency, ...entry });
    switch (raw.kind) {
      case 'order.placed':
        if (platform === 'shopify' && orderTotal) {
          charged.set(raw.orderRef, orderTotal);
          push({ kind: 'order', ref: order, description: `Order ${order}`, debit: orderTotal, credit: null, currency: orderTotal.currency });
        } else {
          push({ kind: 'order', ref: order, description: `Order ${order}`, debit: null, credit: null });
        }
        break;
      case 'order.paid':
        if (orderTotal && !paid.has(raw.orderRef)) {
          paid.add(raw.orderRef);
          push({ kind: 'payment', ref: order, description: `Payment for order ${order}`, debit: null, credit: orderTotal, currency: orderTotal.currency });
        }
        break;
      case 'order.invoiced':
        if (invoiceTotal) {
          const number = raw.invoiceNumber ?? raw.sourceRef;
          push({ kind: 'invoice', ref: number, description: `Invoice ${number} for order ${order}`, debit: invoiceTotal, credit: null, currency: invoiceTotal.currency });
        }
        break;
      case 'order.cancelled': {
        const charge = charged.get(raw.orderRef);
        // A paid order's money comes back through its refund; an unpaid charge is simply reversed.
        if (charge && !paid.has(raw.orderRef)) {
          charged.delete(raw.orderRef);
          push({ kind: 'adjustment', ref: order, description: `Order ${order} cancelled`, debit: null, credit: charge, currency: charge.currency });
        } else {
          push({ kind: 'adjustment', ref: order, description: `Order ${order} cancelled`, debit: null, credit: null });
        }
        break;
      }
      case 'refund.created':
      case 'credit_memo.created':
        if (refundTotal && !isZero(refundTotal.amount)) {
          const number = raw.refundNumber ?? raw.sourceRef;
          const label = raw.kind === 'credit_memo.created' ? `Credit memo ${number}` : `Refund for order ${order}`;
          push({ kind: 'credit', ref: number, description: label, debit: null, credit: refundTotal, currency: refundTotal.currency });
          if (raw.kind === 'refund.created' && paid.has(raw.orderRef)) {
            push({ kind: 'adjustment', ref: number, description: `Refund paid out for order ${order}`, debit: refundTotal, credit: null, currency: refundTotal.currency });
          }
        }
        break;
    }
  }
  return entries;
}

function* statementsOfAccount(rows: EntryRow[], request: StatementAccountsRequest): Generator<AccountStatementInput> {
  const { period, store } = request;
  const account = rows[0]!.account;
  // Who the account is: its latest order's billing address, buyer, brand and locale.
  const latest = [...rows].reverse().find((r) => r.customer !== null || r.billing !== null) ?? rows[rows.length - 1]!;
  const billing = parseJson<TAddress>(latest.billing);
  const customer = parseJson<TCustomer>(latest.customer);
  const accountName = latest.companyName?.trim() || billing?.company?.trim() || (customer ? [customer.firstName, customer.lastName].filter(Boolean).join(' ') : '') || account;
  const entries = ledgerEntries(rows, store.platform);
  const currencies = [...new Set(entries.map((e) => e.currency))].filter((c) => c !== 'XXX').sort();
  const startsAt = period.startsAt.toISOString();
  for (const currency of currencies) {
    const mine = entries.filter((e) => e.currency === currency);
    let balance = '0.00';
    // The balance carried into the period: everything before its first day.
    let openingBalance: string | null = null;
    const lines: TStatementLine[] = [];
    for (const entry of mine) {
      if (entry.at >= startsAt && openingBalance === null) openingBalance = balance;
      balance = addDecimals(balance, entry.debit?.amount ?? '0', negateDecimal(entry.credit?.amount ?? '0'));
      if (entry.at < startsAt) continue;
      lines.push({
        kind: entry.kind,
        date: localDateOf(new Date(entry.at), period.timeZone),
        ref: entry.ref,
        description: entry.description,
        debit: entry.debit,
        credit: entry.credit,
        balance: { amount: balance, currency },
      });
    }
    openingBalance ??= balance;
    // No activity and nothing owed either way: no statement.
    if (lines.length === 0 && compareDecimals(balance, '0') === 0) continue;
    yield {
      statement: {
        accountRef: currencies.length > 1 ? `${account}/${currency}` : account,
        accountName,
        periodStart: period.start,
        periodEnd: period.end,
        currency,
        openingBalance: { amount: toDecimal(openingBalance), currency },
        closingBalance: { amount: toDecimal(balance), currency },
        dueDate: null,
        lines,
        billingAddress: billing,
        paymentInstructions: null,
      },
      customer,
      brand: latest.brand,
      locale: latest.locale ?? customer?.locale ?? null,
    };
  }
}
