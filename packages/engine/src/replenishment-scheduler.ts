import type { TCommerceEvent, TLine } from '@exstream-connect/core';
import { acceptEngineEvent } from './accept-event.ts';
import { QUEUES, type EngineContext } from './engine-context.ts';
import { parseStoreSettings } from './settings.ts';
import type { TReplenishmentSettings } from './settings-schema.ts';
import { rawSql } from './sql-records.ts';

/** pg-boss cron (UTC) of the replenishment check: hourly, so a reminder leaves within the hour it is due. */
export const DEFAULT_REPLENISHMENT_CRON = '7 * * * *';

/**
 * A replenishment due longer ago than this is not sent: after an outage or a newly added interval,
 * customers are not reminded of orders from long ago all at once. Two days cover a missed tick or two.
 */
export const REPLENISHMENT_LOOKBACK_HOURS = 48;

export const REPLENISHMENT_TOPIC = 'engine/replenishment.due';

export type ReplenishmentScanReport = {
  /** Stores with replenishment enabled that were scanned. */
  stores: number;
  /** Reminders due in the lookback window (one per order and interval). */
  due: number;
  /** New `replenishment.due` events accepted (planned and sent like any event). */
  accepted: number;
  /** Due reminders accepted by an earlier scan: nothing new. */
  duplicates: number;
  /** Due reminders not sent because the customer ordered one of the products again since. */
  reordered: number;
};

type OrderRow = { event: TCommerceEvent };
type Due = { event: Extract<TCommerceEvent, { kind: 'order.placed' }>; days: number; lines: TLine[]; dueAt: Date };

const DAY_MS = 86_400_000;
/** How much later than its placement an order may reach the engine and still be reminded. */
const RECEIVED_LATE_MS = 7 * DAY_MS;

/**
 * Replenishment reminders, from the store's own order history: for each store with
 * `settings.replenishment` enabled, every order whose lines match an interval (SKU prefix → days)
 * becomes due `days` after it was placed. A due reminder is accepted as an engine event
 * (`engine/replenishment.due`, event id = order + interval), so it is planned with the store's rules,
 * subject to marketing consent, batched when the store batches campaigns, and shown on the order's
 * timeline; a second scan of the same instant finds it a duplicate. Not sent when the customer
 * ordered any of those SKUs again after the order, or when it fell due more than
 * REPLENISHMENT_LOOKBACK_HOURS ago.
 */
export async function scanReplenishments(ctx: EngineContext, options: { now?: Date; storeId?: string } = {}): Promise<ReplenishmentScanReport> {
  const now = options.now ?? ctx.clock();
  const report: ReplenishmentScanReport = { stores: 0, due: 0, accepted: 0, duplicates: 0, reordered: 0 };
  const stores = await ctx.prisma.$queryRawUnsafe<Array<{ id: string; platform: 'shopify' | 'magento'; settings: unknown }>>(
    `SELECT id::text AS id, platform::text AS platform, settings FROM "Store"
     WHERE "uninstalledAt" IS NULL AND settings->'replenishment'->>'enabled' = 'true' AND ($1::uuid IS NULL OR id = $1::uuid) ORDER BY id`,
    options.storeId ?? null,
  );
  for (const store of stores) {
    const settings = parseStoreSettings(store.settings).replenishment;
    if (!settings.enabled || settings.intervals.length === 0) continue;
    report.stores++;
    for (const due of await dueReplenishments(ctx, store.id, settings, now)) {
      report.due++;
      if (await orderedAgain(ctx, store.id, due, now)) {
        report.reordered++;
        continue;
      }
      const result = await acceptEngineEvent(ctx, store, { topic: REPLENISHMENT_TOPIC, eventId: `${due.event.orderRef}:${due.days}d`, event: replenishmentEvent(due) });
      if (result.status === 'accepted') report.accepted++;
      else report.duplicates++;
    }
  }
  if (report.accepted > 0) ctx.logger.info('replenishment reminders due', report);
  return report;
}

/**
 * The reminders of one store that fell due in (now − lookback, now]: per interval length, the
 * orders placed in that window (a narrow range of the ledger, through its (storeId, receivedAt)
 * index), their lines grouped by the interval they match (the longest SKU prefix).
 */
async function dueReplenishments(ctx: EngineContext, storeId: string, settings: TReplenishmentSettings, now: Date): Promise<Due[]> {
  const intervals = [...settings.intervals].sort((a, b) => b.skuPrefix.length - a.skuPrefix.length);
  const lookbackMs = REPLENISHMENT_LOOKBACK_HOURS * 3_600_000;
  const rows: OrderRow[] = [];
  for (const days of new Set(intervals.map((i) => i.days))) {
    const from = new Date(now.getTime() - days * DAY_MS - lookbackMs);
    const to = new Date(now.getTime() - days * DAY_MS);
    // An order is received after it is placed, and at most RECEIVED_LATE_MS later (a module's outbox
    // catching up): that bounds the index range read.
    rows.push(
      ...(await rawSql(ctx.db.sql).$queryRawUnsafe<OrderRow[]>(
        `SELECT e.value AS event FROM "InboundEvent" ie
         CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(ie.payload->'events') = 'array' THEN ie.payload->'events' ELSE '[]'::jsonb END) AS e(value)
         WHERE ie."storeId" = $1::uuid AND ie."receivedAt" >= ($2::timestamptz AT TIME ZONE 'UTC') AND ie."receivedAt" <= ($4::timestamptz AT TIME ZONE 'UTC')
           AND e.value->>'kind' = 'order.placed' AND jsonb_typeof(e.value->'order') = 'object'
           AND (e.value->>'occurredAt')::timestamptz > $2::timestamptz AND (e.value->>'occurredAt')::timestamptz <= $3::timestamptz`,
        storeId,
        from.toISOString(),
        to.toISOString(),
        new Date(Math.min(to.getTime() + RECEIVED_LATE_MS, now.getTime())).toISOString(),
      )),
    );
  }
  const due: Due[] = [];
  const seen = new Set<string>();
  for (const { event: raw } of rows) {
    const event = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Due['event'];
    // Nobody to remind, or the same order seen twice (a re-sent webhook under another id).
    if (!event.customer?.email || !event.orderRef || seen.has(event.orderRef)) continue;
    seen.add(event.orderRef);
    const byDays = new Map<number, TLine[]>();
    for (const line of event.order.lines) {
      const interval = line.sku ? intervals.find((i) => line.sku!.startsWith(i.skuPrefix)) : undefined;
      if (interval) byDays.set(interval.days, [...(byDays.get(interval.days) ?? []), line]);
    }
    const placedAt = Date.parse(event.occurredAt);
    for (const [interval, lines] of byDays) {
      const dueAt = new Date(placedAt + interval * DAY_MS);
      if (dueAt.getTime() <= now.getTime() && dueAt.getTime() > now.getTime() - lookbackMs) due.push({ event, days: interval, lines, dueAt });
    }
  }
  return due;
}

/** Whether the customer placed another order with one of the due SKUs after this one (and by now). */
async function orderedAgain(ctx: EngineContext, storeId: string, due: Due, now: Date): Promise<boolean> {
  const customer = due.event.customer!;
  const [row] = await rawSql(ctx.db.sql).$queryRawUnsafe<Array<{ again: boolean }>>(
    `SELECT EXISTS (
       SELECT 1 FROM "InboundEvent" ie
       CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(ie.payload->'events') = 'array' THEN ie.payload->'events' ELSE '[]'::jsonb END) AS e(value)
       WHERE ie."storeId" = $1::uuid AND ie."receivedAt" >= ($2::timestamptz AT TIME ZONE 'UTC')
         AND e.value->>'kind' = 'order.placed' AND e.value->>'orderRef' <> $3
         AND (e.value->>'occurredAt')::timestamptz > $2::timestamptz AND (e.value->>'occurredAt')::timestamptz <= $4::timestamptz
         AND ((e.value->'customer'->>'ref' IS NOT NULL AND e.value->'customer'->>'ref' = $5) OR lower(e.value->'customer'->>'email') = lower($6))
         AND EXISTS (SELECT 1 FROM jsonb_array_elements(e.value->'order'->'lines') AS l(value) WHERE l.value->>'sku' = ANY($7::text[]))
     ) AS again`,
    storeId,
    due.event.occurredAt,
    due.event.orderRef,
    now.toISOString(),
    customer.ref ?? null,
    customer.email,
    due.lines.map((line) => line.sku),
  );
  return row?.again === true;
}

/** The `replenishment.due` event of a due reminder: the original order's customer, brand, locale and order. */
function replenishmentEvent(due: Due): TCommerceEvent {
  const { event } = due;
  return {
    kind: 'replenishment.due',
    platform: event.platform,
    occurredAt: due.dueAt.toISOString(),
    sourceRef: `${event.orderRef}:${due.days}d`,
    orderRef: event.orderRef,
    orderNumber: event.orderNumber,
    customer: event.customer,
    brand: event.brand,
    locale: event.locale,
    order: event.order,
    ...(event.storeView !== undefined ? { storeView: event.storeView } : {}),
    // The order's status page: where a customer account offers "buy again" (Shopify); null when unknown.
    replenishment: { lines: due.lines, dueAt: due.dueAt.toISOString(), reorderUrl: event.order.statusUrl },
  };
}

/** The worker-loop queue of the hourly check (createEngine adds it to its loops and registers the cron). */
export function replenishmentWorkerQueue(ctx: EngineContext) {
  return {
    name: QUEUES.replenishmentTick,
    concurrency: 1,
    handler: async () => {
      await scanReplenishments(ctx);
      return 'done' as const;
    },
  };
}
