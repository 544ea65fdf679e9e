import { describe, expect, it } from 'vitest';
import { ZCommerceEvent, ZProductFacts, businessKeyFor, type TCommerceEvent, type TCommerceEventOf } from '../src/index.ts';
import { MAGENTO_ENTITIES, MAGENTO_ENVELOPES, SHOPIFY_FIXTURE_FILES } from './fixture-catalog.ts';
import { as, fixture, fixtureNames, magento, productFacts, shopify } from './helpers.ts';

// The README is read through Vite (packages/core may not touch node:fs, tests included).
const README = import.meta.glob<string>('../README.md', { query: '?raw', import: 'default' });
const readme = async (): Promise<string> => README['../README.md']!();

const RECEIVED_AT = '2026-06-01T08:00:00Z';
/** The order each Shopify order-less webhook belongs to, as the engine passes it as context. */
const ORDER_OF: Record<string, string> = { '5501234567890': 'orders-paid', '5501234600002': 'orders-fulfilled' };

async function orderContextFor(name: string): Promise<unknown> {
  const payload = (await fixture(`shopify/${name}`)) as { order_id?: number; order?: { id?: number } };
  const orderId = String(payload.order_id ?? payload.order?.id ?? '');
  return ORDER_OF[orderId] ? fixture(`shopify/${ORDER_OF[orderId]}`) : undefined;
}

describe('every fixture maps to events that satisfy ZCommerceEvent', () => {
  it('the catalogue names every fixture file, and nothing else', () => {
    expect(SHOPIFY_FIXTURE_FILES.map(([name]) => name).sort()).toEqual(fixtureNames('shopify'));
    expect(Object.keys(MAGENTO_ENVELOPES).sort()).toEqual(fixtureNames('magento/envelopes'));
    expect(Object.keys(MAGENTO_ENTITIES).sort()).toEqual(fixtureNames('magento'));
  });

  it.each(SHOPIFY_FIXTURE_FILES)('Shopify %s (%s), with and without the order as context', async (name, topic, kinds) => {
    const order = await orderContextFor(name);
    for (const context of [{ receivedAt: RECEIVED_AT }, { receivedAt: RECEIVED_AT, order, products: await productFacts('shopify-velo-polska') }]) {
      const { events } = await shopify(topic, name, context);
      expect(events.map((e) => e.kind)).toEqual(kinds);
      for (const event of events) expect(ZCommerceEvent.parse(event)).toEqual(event);
    }
  });

  it.each(Object.keys(MAGENTO_ENVELOPES))('Magento %s, with and without product facts', async (name) => {
    for (const context of [{}, { products: await productFacts('magento-nordique') }]) {
      const { events } = await magento(name, context);
      expect(events.map((e) => e.kind)).toEqual(MAGENTO_ENVELOPES[name]);
      for (const event of events) expect(ZCommerceEvent.parse(event)).toEqual(event);
    }
  });

  it.each(Object.entries(MAGENTO_ENTITIES))('raw Magento entity %s.json is the entity its envelope carries', async (name, { envelope, part }) => {
    const wrapped = (await fixture(`magento/envelopes/${envelope}`)) as Record<string, unknown>;
    expect(await fixture(`magento/${name}`)).toEqual(wrapped[part]);
  });

  it.each(['shopify-velo-polska', 'magento-nordique'] as const)('product facts %s are valid ZProductFacts', async (name) => {
    expect(ZProductFacts.safeParse(await productFacts(name)).success).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------
// The edges the issue asks the fixtures to cover, for both platforms. The README's "Fixture
// coverage" table must list exactly these rows and fixtures.

type Cell = { fixtures: string[]; check: (events: TCommerceEvent[]) => void };
type Edge = { edge: string; shopify: Cell; magento: Cell };

const only = <K extends TCommerceEvent['kind']>(events: TCommerceEvent[], kind: K): TCommerceEventOf<K> => as(events[0]!, kind);

/** Two parcels of one order: two facts with their own keys, items and tracking. */
function twoParcels([a, b]: TCommerceEvent[]): void {
  const [first, second] = [a!, b!].map((e) => {
    if (!('shipment' in e) || e.shipment === null) throw new Error(`${e.kind} carries no shipment`);
    return { event: e, shipment: e.shipment };
  });
  expect(first!.event.orderRef).toBe(second!.event.orderRef);
  expect(first!.shipment.ref).not.toBe(second!.shipment.ref);
  expect(businessKeyFor(first!.event)).not.toBe(businessKeyFor(second!.event));
  const skus = (s: typeof first) => s!.shipment.lines.map((l) => l.sku);
  expect(skus(first).filter((sku) => skus(second).includes(sku))).toEqual([]);
  expect(first!.shipment.trackingNumbers).not.toEqual(second!.shipment.trackingNumbers);
  expect(first!.shipment.carrier).not.toBe(second!.shipment.carrier);
}

const EDGES: Edge[] = [
  {
    edge: 'Multi-currency (presentment vs shop money)',
    shopify: {
      fixtures: ['orders-create'],
      check: (events) => {
        const { order } = only(events, 'order.placed');
        expect([order.currency, order.presentmentCurrency]).toEqual(['EUR', 'PLN']);
        expect(order.totals.total).toEqual({ amount: '563.30', currency: 'PLN' });
        expect(order.totals.totalInShopCurrency).toEqual({ amount: '131.00', currency: 'EUR' });
      },
    },
    magento: {
      fixtures: ['01-order-placed'],
      check: (events) => {
        const { order } = only(events, 'order.placed');
        expect([order.currency, order.presentmentCurrency]).toEqual(['USD', 'CAD']);
        expect(order.totals.total).toEqual({ amount: '275.94', currency: 'CAD' });
        expect(order.totals.totalInShopCurrency).toEqual({ amount: '204.40', currency: 'USD' });
      },
    },
  },
  {
    edge: 'Discounts',
    shopify: {
      fixtures: ['orders-create'],
      check: (events) => {
        const { order } = only(events, 'order.placed');
        expect(order.discounts).toEqual([{ code: 'WIOSNA10', type: 'percentage', amount: { amount: '60.20', currency: 'PLN' } }]);
        expect(order.lines.map((l) => l.discount?.amount)).toEqual(['43.00', '17.20']);
      },
    },
    magento: {
      fixtures: ['01-order-placed'],
      check: (events) => {
        const { order } = only(events, 'order.placed');
        expect(order.discounts).toEqual([{ code: 'HIVER10', type: null, amount: { amount: '25.00', currency: 'CAD' } }]);
        expect(order.lines.map((l) => l.discount?.amount)).toEqual(['20.00', '5.00']);
      },
    },
  },
  {
    edge: 'Taxes',
    shopify: {
      fixtures: ['orders-create'],
      check: (events) => {
        const { order } = only(events, 'order.placed');
        expect(order.taxesIncluded).toBe(true);
        expect(order.taxLines).toEqual([{ title: 'PL VAT', rate: '0.23', amount: { amount: '105.34', currency: 'PLN' } }]);
      },
    },
    magento: {
      fixtures: ['01-order-placed'],
      check: (events) => {
        const { order } = only(events, 'order.placed');
        expect(order.taxLines.map((t) => [t.title, t.rate, t.amount.amount])).toEqual([
          ['TPS', '0.05', '12.00'],
          ['TVQ', '0.09975', '23.94'],
        ]);
        expect(order.totals.tax).toEqual({ amount: '35.94', currency: 'CAD' });
      },
    },
  },
  {
    edge: 'Several shipments',
    shopify: { fixtures: ['orders-partially-fulfilled', 'orders-fulfilled'], check: twoParcels },
    magento: { fixtures: ['03-shipment-created', '12-shipment-created-second-parcel'], check: twoParcels },
  },
  {
    edge: 'Partial refunds',
    shopify: {
      fixtures: ['refunds-create'],
      check: (events) => {
        const { refund } = only(events, 'refund.created');
        expect(refund.isPartial).toBe(true);
        expect(refund.lines.map((l) => [l.sku, l.quantity])).toEqual([['GLV-WIN-L', 1]]);
        expect(refund.total).toEqual({ amount: '77.40', currency: 'PLN' });
      },
    },
    magento: {
      fixtures: ['05-creditmemo-created'],
      check: (events) => {
        const { refund } = only(events, 'credit_memo.created');
        expect(refund.isPartial).toBe(true);
        expect(refund.lines.map((l) => [l.sku, l.quantity])).toEqual([['WRN-GANT-01', 1]]);
        expect(refund.total).toEqual({ amount: '20.87', currency: 'CAD' });
      },
    },
  },
  {
    edge: 'Guest checkout',
    shopify: {
      fixtures: ['orders-create-guest'],
      check: (events) => expect(only(events, 'order.placed').customer).toMatchObject({ ref: null, isGuest: true, email: 'nikos.p@example.gr' }),
    },
    magento: {
      fixtures: ['11-order-placed-guest'],
      check: (events) => expect(only(events, 'order.placed').customer).toMatchObject({ ref: null, isGuest: true, email: 'maria.petrova@example.bg' }),
    },
  },
  {
    edge: 'Missing optional fields',
    shopify: {
      fixtures: ['orders-create-guest'],
      check: (events) => {
        const event = only(events, 'order.placed');
        expect([event.locale, event.order.shippingMethod, event.order.lines[0]!.sku, event.order.lines[0]!.variant, event.order.shippingAddress?.region]).toEqual([null, null, null, null, null]);
      },
    },
    magento: {
      fixtures: ['11-order-placed-guest'],
      check: (events) => {
        const event = only(events, 'order.placed');
        expect([event.brand, event.order.shippingAddress, event.order.billingAddress?.region, event.order.shippingMethod]).toEqual([null, null, null, null]);
        expect([event.order.discounts, event.order.taxLines]).toEqual([[], []]);
      },
    },
  },
  {
    edge: 'Non-Latin names and addresses',
    shopify: {
      fixtures: ['orders-create', 'orders-create-guest', 'orders-cancelled'],
      check: ([polish, greek, bulgarian]) => {
        expect([polish!.customer?.firstName, polish!.order?.shippingAddress?.city]).toEqual(['Łucja', 'Łódź']);
        expect([greek!.customer?.lastName, greek!.order?.shippingAddress?.city]).toEqual(['Παπαδόπουλος', 'Αθήνα']);
        expect([bulgarian!.customer?.firstName, bulgarian!.order?.shippingAddress?.city]).toEqual(['Мария', 'София']);
      },
    },
    magento: {
      fixtures: ['01-order-placed', '06-cart-abandoned', '11-order-placed-guest'],
      check: ([quebec, greek, bulgarian]) => {
        expect([quebec!.customer?.firstName, quebec!.order?.shippingAddress?.city]).toEqual(['Élodie', 'Montréal']);
        expect([greek!.customer?.firstName, greek!.customer?.lastName]).toEqual(['Ελένη', 'Γεωργίου']);
        expect([bulgarian!.customer?.lastName, bulgarian!.order?.billingAddress?.city]).toEqual(['Петрова', 'Пловдив']);
      },
    },
  },
];

async function eventsOf(platform: 'shopify' | 'magento', fixtures: string[]): Promise<TCommerceEvent[]> {
  const out: TCommerceEvent[] = [];
  for (const name of fixtures) {
    if (platform === 'magento') {
      out.push(...(await magento(name)).events.slice(0, 1));
      continue;
    }
    const entry = SHOPIFY_FIXTURE_FILES.find(([file]) => file === name);
    if (!entry) throw new Error(`${name} is not in the Shopify fixture catalogue`);
    out.push(...(await shopify(entry[1], name, { receivedAt: RECEIVED_AT })).events.slice(0, 1));
  }
  return out;
}

describe('fixture coverage of the edges, for both platforms', () => {
  it.each(EDGES.flatMap((e) => (['shopify', 'magento'] as const).map((platform) => [e.edge, platform, e] as const)))('%s: %s', async (_edge, platform, edge) => {
    const cell = edge[platform];
    const events = await eventsOf(platform, cell.fixtures);
    expect(events).toHaveLength(cell.fixtures.length);
    cell.check(events);
  });

  it('the README "Fixture coverage" table lists exactly these edges and fixtures', async () => {
    const section = (await readme()).split('## Fixture coverage')[1]?.split('\n## ')[0] ?? '';
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('|') && !/^\|\s*(Edge|-)/.test(line))
      .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
    const names = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    expect(rows.map(([edge, shopifyCell, magentoCell]) => ({ edge, shopify: names(shopifyCell!), magento: names(magentoCell!) }))).toEqual(
      EDGES.map((e) => ({ edge: e.edge, shopify: e.shopify.fixtures, magento: e.magento.fixtures })),
    );
  });
});
