import { mapShopifyWebhook, type TCommerceEvent, type TPreference, type TProductFact } from '@exstream-connect/core';
import { sqlExecutor, type Store } from '@exstream-connect/db';
import type { StoredInbound } from './accept-event.ts';
import { QUEUES, type EngineContext, type InboundJob, type WriteBackQueueJob } from './engine-context.ts';
import { CAMPAIGN_PENDING_REF, enqueueCampaignFlush, waitsForCampaignBatch } from './flush-campaign-batch.ts';
import { isTransientError } from './is-transient-error.ts';
import { customerKeyFor } from './hashing.ts';
import { planRows, preferencesFor, type PlannedRow } from './plan-and-record.ts';
import { resolveProductFacts, type StoredProductFacts } from './resolve-product-facts.ts';
import { shopifyProductKeys } from './shopify-product-keys.ts';
import { insertCommunications, rawSql } from './sql-records.ts';
import type { TStoreSettingsJson } from './settings-schema.ts';

type InboundRowRead = { id: string; storeId: string; state: string; topic: string; orderRef: string | null; receivedAt: Date; payload: unknown };

type Prepared =
  | { kind: 'deferred'; inbound: InboundRowRead; job: InboundJob }
  | { kind: 'failed'; inbound: InboundRowRead; error: string }
  /** The product facts source failed transiently: planned again later, with the same job. */
  | { kind: 'retry'; inbound: InboundRowRead; job: InboundJob; error: string; delaySeconds: number }
  | {
      kind: 'plan';
      inbound: InboundRowRead;
      store: Store;
      settings: TStoreSettingsJson;
      rows: PlannedRow[];
      consentChanges: TCommerceEvent[];
      /** Product facts to record with the event (null: none needed, or recorded before). */
      productFacts: StoredProductFacts | null;
      /** Why the event was planned without product facts; shown on its communications' timelines. */
      factsWarning: string | null;
    };

/** Single-event form (tests, tools). The worker uses processInboundBatch. */
export async function processInboundEvent(ctx: EngineContext, job: InboundJob): Promise<void> {
  await processInboundBatch(ctx, [job]);
}

/**
 * The plan step of inbound events: Communication rows (queued / skipped / suppressed / failed,
 * each with its first timeline event) and their delivery jobs. Planning and document building
 * happen outside any transaction; then ONE transaction records every event of the batch. Re-running
 * is harmless: rows are keyed by their idempotency key, so a second run inserts nothing.
 */
export async function processInboundBatch(ctx: EngineContext, jobs: InboundJob[]): Promise<void> {
  if (jobs.length === 0) return;
  // On the driver, not through Prisma (see rawSql): this runs for every batch of new events.
  const sql = rawSql(ctx.db.sql);
  const reads = await sql.$queryRawUnsafe<InboundRowRead[]>(
    `SELECT i.id::text AS id, i."storeId"::text AS "storeId", i.state::text AS state, i.topic, i."orderRef", i."receivedAt", i.payload
     FROM "InboundEvent" i JOIN jsonb_to_recordset($1::jsonb) AS j("inboundEventId" uuid, "storeId" uuid) ON i.id = j."inboundEventId" AND i."storeId" = j."storeId"`,
    JSON.stringify(jobs.map((j) => ({ inboundEventId: j.inboundEventId, storeId: j.storeId }))),
  );
  const prepared: Prepared[] = [];
  const preferences = await prefetchPreferences(ctx, reads);
  for (const inbound of reads) {
    if (inbound.state === 'processed') continue;
    const job = jobs.find((j) => j.inboundEventId === inbound.id)!;
    try {
      const p = await prepare(ctx, inbound, job, preferences);
      if (p) prepared.push(p);
    } catch (error) {
      // A cut connection or a restarting database says nothing about the event: fail the batch so
      // pg-boss retries it (planning is idempotent). Recording it as the event's failure would
      // leave the event's documents unproduced for good.
      if (isTransientError(error)) throw error;
      // One bad event must not hold back the others of its batch: it is marked failed, visibly.
      ctx.logger.error('inbound event could not be planned', { inboundEventId: inbound.id, error: (error as Error).message });
      prepared.push({ kind: 'failed', inbound, error: (error as Error).message });
    }
  }
  if (prepared.length === 0) return;
  await commit(ctx, prepared);
  // New deliveries, failure-tag write-backs, and deferred events of these orders re-queued.
  ctx.wake(QUEUES.deliver, QUEUES.writeBack, QUEUES.inbound);
}

type PreferenceMap = Map<string, TPreference[]>;
const preferenceKey = (storeId: string, customerRef: string) => `${storeId}\u0000${customerRef}`;

/** The preferences of every customer of the batch, in one query instead of one per event. */
async function prefetchPreferences(ctx: EngineContext, reads: InboundRowRead[]): Promise<PreferenceMap> {
  const keys = new Map<string, { storeId: string; customerRef: string }>();
  for (const inbound of reads) {
    for (const event of (inbound.payload as StoredInbound).events ?? []) {
      const customerRef = customerKeyFor(event.customer);
      if (customerRef) keys.set(preferenceKey(inbound.storeId, customerRef), { storeId: inbound.storeId, customerRef });
    }
  }
  const map: PreferenceMap = new Map([...keys.keys()].map((key) => [key, []]));
  if (keys.size === 0) return map;
  const rows = await rawSql(ctx.db.sql).$queryRawUnsafe<Array<TPreference & { storeId: string; customerRef: string }>>(
    `SELECT p."storeId"::text AS "storeId", p."customerRef", p.channel::text AS channel, p.state::text AS state
     FROM "CustomerPreference" p JOIN jsonb_to_recordset($1::jsonb) AS k("storeId" uuid, "customerRef" text) ON p."storeId" = k."storeId" AND p."customerRef" = k."customerRef"`,
    JSON.stringify([...keys.values()]),
  );
  for (const row of rows) map.get(preferenceKey(row.storeId, row.customerRef))?.push({ channel: row.channel, state: row.state });
  return map;
}

async function prepare(ctx: EngineContext, inbound: InboundRowRead, job: InboundJob, prefetched: PreferenceMap): Promise<Prepared | null> {
  await ctx.hooks.beforePlan?.(inbound.id);
  const state = await ctx.storeState.get(inbound.storeId);
  if (!state) return null;
  const { store, rules, settings } = state;
  const resolved = await eventsOfInbound(ctx, store, inbound);
  // Out of order (e.g. a refund before its order): wait for the order, which re-queues this event
  // when it is processed; past the grace period, process with the data it carries.
  if (resolved.waitingForOrder && !job.force) return { kind: 'deferred', inbound, job };
  const stored = inbound.payload as StoredInbound;
  // Only now, in the worker (accept stays fast), and only when a rule looks at the products.
  const facts = await resolveProductFacts(ctx, {
    store,
    rules,
    events: resolved.events,
    recorded: stored.productFacts ?? null,
    keys: () => shopifyProductKeys(stored.raw, resolved.orderRaw),
    remap: (products) => (store.platform === 'shopify' && stored.raw !== undefined ? mapStoredShopify(store, inbound, resolved.orderRaw, products) : resolved.events),
    attempt: job.factsAttempt ?? 0,
    mayRetry: true,
  });
  if (facts.kind === 'retry') return { kind: 'retry', inbound, job, error: facts.error, delaySeconds: facts.delaySeconds };
  const events = facts.events;
  const rows: PlannedRow[] = [];
  const consentChanges: TCommerceEvent[] = [];
  for (const event of events) {
    if (event.kind === 'customer.consent_changed') consentChanges.push(event);
    const customerRef = customerKeyFor(event.customer);
    const preferences: TPreference[] = (customerRef && prefetched.get(preferenceKey(store.id, customerRef))) || (await preferencesFor(ctx, store.id, event));
    rows.push(...planRows({ store, event, rules, preferences, inboundEventId: inbound.id, trace: facts.trace }));
  }
  return { kind: 'plan', inbound, store, settings, rows, consentChanges, productFacts: facts.record, factsWarning: facts.warning };
}

/**
 * The normalised events of a stored inbound event. Shopify fulfillment / refund / return webhooks
 * carry no order: they are re-mapped with the order body kept from the order's own webhook, and
 * `waitingForOrder` says that body has not arrived yet (the events then carry only their own data).
 * Product facts recorded when the event was planned (`payload.productFacts`) are applied again, so
 * a resend or a rebuild sees the lines exactly as planning did (Magento events carry theirs).
 */
export async function eventsOfInbound(
  ctx: EngineContext,
  store: Pick<Store, 'id' | 'platform' | 'externalKey'>,
  inbound: Pick<InboundRowRead, 'topic' | 'orderRef' | 'receivedAt' | 'payload'>,
): Promise<{ events: TCommerceEvent[]; waitingForOrder: boolean; orderRaw: unknown }> {
  const stored = inbound.payload as StoredInbound;
  const events = stored.events ?? [];
  const facts = stored.productFacts?.facts ?? [];
  const remapFacts = store.platform === 'shopify' && stored.raw !== undefined && facts.length > 0;
  const needsOrder = store.platform === 'shopify' && !!inbound.orderRef && !inbound.topic.startsWith('orders/') && events.some((e) => e.order === null);
  if (!needsOrder) return { events: remapFacts ? mapStoredShopify(store, inbound, undefined, facts) : events, waitingForOrder: false, orderRaw: undefined };
  const [order] = await rawSql(ctx.db.sql).$queryRawUnsafe<Array<{ raw: unknown }>>(
    `SELECT payload->'raw' AS raw FROM "InboundEvent" WHERE "storeId" = $1::uuid AND "orderRef" = $2 AND topic LIKE 'orders/%' ORDER BY "receivedAt" DESC LIMIT 1`,
    store.id,
    inbound.orderRef,
  );
  const orderRaw = order?.raw ?? undefined;
  if (orderRaw && stored.raw !== undefined) return { events: mapStoredShopify(store, inbound, orderRaw, facts), waitingForOrder: false, orderRaw };
  return { events: remapFacts ? mapStoredShopify(store, inbound, undefined, facts) : events, waitingForOrder: true, orderRaw: undefined };
}

/** A stored Shopify webhook mapped again, with its order's body and product facts when known. */
function mapStoredShopify(
  store: Pick<Store, 'externalKey'>,
  inbound: Pick<InboundRowRead, 'topic' | 'receivedAt' | 'payload'>,
  orderRaw: unknown,
  products: readonly TProductFact[],
): TCommerceEvent[] {
  const raw = (inbound.payload as StoredInbound).raw;
  return mapShopifyWebhook(inbound.topic, raw, {
    shopDomain: store.externalKey,
    receivedAt: inbound.receivedAt,
    ...(orderRaw !== undefined ? { order: orderRaw } : {}),
    ...(products.length > 0 ? { products: [...products] } : {}),
  }).events;
}

async function commit(ctx: EngineContext, prepared: Prepared[]): Promise<void> {
  const now = ctx.clock();
  const plans = prepared.filter((p): p is Extract<Prepared, { kind: 'plan' }> => p.kind === 'plan');
  const deferred = prepared.filter((p): p is Extract<Prepared, { kind: 'deferred' }> => p.kind === 'deferred');
  const retries = prepared.filter((p): p is Extract<Prepared, { kind: 'retry' }> => p.kind === 'retry');
  // Campaign reminders of a store that batches them wait for its next flush instead of a delivery job.
  const flushes = new Map<string, number>();
  for (const plan of plans) {
    for (const r of plan.rows) {
      if (!waitsForCampaignBatch({ status: r.data.status, documentType: r.plan.documentType }, plan.settings)) continue;
      r.data.documentRef = CAMPAIGN_PENDING_REF;
      flushes.set(plan.store.id, plan.settings.campaigns.windowSeconds);
    }
  }
  const rows = plans.flatMap((p) => p.rows);
  const detailOf = new Map<string, string | null>();
  for (const plan of plans) {
    for (const r of plan.rows) {
      const planned = r.buildError ?? r.data.reason ?? r.plan.resolution.at(-1) ?? null;
      const detail = r.data.documentRef === CAMPAIGN_PENDING_REF ? `${planned ?? 'planned'}; waits for the campaign batch (window ${plan.settings.campaigns.windowSeconds} s)` : planned;
      // The timeline keeps one line per row: a planning without product facts must show there.
      detailOf.set(r.data.id, plan.factsWarning ? `${detail ?? 'planned'} (warning: ${plan.factsWarning})` : detail);
    }
  }
  const factsRecords = plans.filter((p) => p.productFacts !== null).map((p) => ({ id: p.inbound.id, facts: p.productFacts }));
  // On the driver, not a Prisma interactive transaction (see rawSql).
  await ctx.db.transaction(async (sql) => {
    const tx = rawSql(sql);
    const db = sqlExecutor(sql);
    for (const f of prepared) {
      if (f.kind !== 'failed') continue;
      await tx.$queryRawUnsafe(`UPDATE "InboundEvent" SET state = 'failed', "lastError" = $2, attempts = attempts + 1 WHERE id = $1::uuid`, f.inbound.id, f.error);
    }
    for (const d of deferred) {
      await tx.$queryRawUnsafe(`UPDATE "InboundEvent" SET state = 'deferred', attempts = attempts + 1 WHERE id = $1::uuid`, d.inbound.id);
      await ctx.boss.send(QUEUES.inbound, { ...d.job, force: true }, { db, startAfter: ctx.deferGraceSeconds });
    }
    for (const r of retries) {
      await tx.$queryRawUnsafe(`UPDATE "InboundEvent" SET attempts = attempts + 1, "lastError" = $2 WHERE id = $1::uuid`, r.inbound.id, r.error);
      const next: InboundJob = { ...r.job, factsAttempt: (r.job.factsAttempt ?? 0) + 1 };
      await ctx.boss.send(QUEUES.inbound, next, { db, startAfter: r.delaySeconds });
    }
    // The facts planning used, kept with the event: resends and rebuilds map it again with them.
    if (factsRecords.length > 0) {
      await tx.$queryRawUnsafe(
        `UPDATE "InboundEvent" i SET payload = i.payload || jsonb_build_object('productFacts', f.facts)
         FROM jsonb_to_recordset($1::jsonb) AS f(id uuid, facts jsonb) WHERE i.id = f.id`,
        JSON.stringify(factsRecords),
      );
    }
    const createdIds = await insertCommunications(tx, rows.map((r) => r.data), { source: 'planner', at: now, detail: (row) => detailOf.get(row.id) ?? null });
    const deliver: Array<{ data: object }> = [];
    const dead: Array<{ data: object }> = [];
    const writeBacks: Array<{ data: WriteBackQueueJob }> = [];
    for (const plan of plans) {
      for (const row of plan.rows) {
        if (!createdIds.has(row.data.id)) continue;
        if (row.data.documentRef === CAMPAIGN_PENDING_REF) continue;
        if (row.data.status === 'queued') deliver.push({ data: { storeId: row.data.storeId, communicationId: row.data.id } });
        else if (row.data.status === 'failed') {
          dead.push({ data: { storeId: row.data.storeId, communicationId: row.data.id, error: row.buildError } });
          if (row.data.orderRef && plan.settings.writeBack.tagOnFailure) writeBacks.push({ data: { storeId: row.data.storeId, kind: 'order_failure_tag', orderRef: row.data.orderRef } });
        }
      }
      for (const event of plan.consentChanges) {
        if (event.kind !== 'customer.consent_changed') continue;
        const customerRef = customerKeyFor(event.customer);
        if (!customerRef) continue;
        const state = event.consent.state === 'subscribed' ? 'opted_in' : 'opted_out';
        await tx.$queryRawUnsafe(
          `INSERT INTO "CustomerPreference" (id, "storeId", "customerRef", channel, state, source, "updatedAt")
           VALUES (gen_random_uuid(), $1::uuid, $2, $3::text::"Channel", $4::text::"PreferenceState", $5, (now() AT TIME ZONE 'UTC'))
           ON CONFLICT ("storeId", "customerRef", channel) DO UPDATE SET state = EXCLUDED.state, source = EXCLUDED.source, "updatedAt" = EXCLUDED."updatedAt"`,
          plan.store.id,
          customerRef,
          event.consent.channel,
          state,
          `platform:${plan.store.platform}`,
        );
      }
    }
    if (deliver.length > 0) await ctx.boss.insert(QUEUES.deliver, deliver, { db });
    for (const [storeId, windowSeconds] of flushes) await enqueueCampaignFlush(ctx, { storeId, windowSeconds }, sql);
    if (dead.length > 0) await ctx.boss.insert(QUEUES.deliverDead, dead, { db });
    if (writeBacks.length > 0) await ctx.boss.insert(QUEUES.writeBack, writeBacks, { db });
    if (plans.length > 0) {
      await tx.$queryRawUnsafe(
        `UPDATE "InboundEvent" SET state = 'processed', "processedAt" = ($2::timestamptz AT TIME ZONE 'UTC'), attempts = attempts + 1, "lastError" = NULL WHERE id = ANY($1::uuid[])`,
        plans.map((p) => p.inbound.id),
        now.toISOString(),
      );
    }
    // The missing piece arrived: events of these orders that were waiting for it go now.
    const orderKeys = plans.filter((p) => p.inbound.topic.startsWith('orders/') && p.inbound.orderRef).map((p) => ({ storeId: p.store.id, orderRef: p.inbound.orderRef }));
    if (orderKeys.length > 0) {
      const waiting = await tx.$queryRawUnsafe<Array<{ id: string; storeId: string }>>(
        `SELECT i.id::text AS id, i."storeId"::text AS "storeId" FROM "InboundEvent" i
         JOIN jsonb_to_recordset($1::jsonb) AS k("storeId" uuid, "orderRef" text) ON i."storeId" = k."storeId" AND i."orderRef" = k."orderRef"
         WHERE i.state = 'deferred'`,
        JSON.stringify(orderKeys),
      );
      if (waiting.length > 0) await ctx.boss.insert(QUEUES.inbound, waiting.map((w) => ({ data: { storeId: w.storeId, inboundEventId: w.id } })), { db });
    }
  });
}
