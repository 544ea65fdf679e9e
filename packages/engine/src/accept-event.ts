import { randomUUID } from 'node:crypto';
import {
  ConnectError,
  assertStorablePayload,
  businessKeyFor,
  inspectPayload,
  mapMagentoEvent,
  mapShopifyWebhook,
  ZCommerceEvent,
  type FieldIssue,
  type TCommerceEvent,
} from '@exstream-connect/core';
import { z } from 'zod';
import { QUEUES, type EngineContext } from './engine-context.ts';
import type { StoredProductFacts } from './resolve-product-facts.ts';
import { normaliseKey, zodIssues } from './stores.ts';

export const ZAcceptInput = z.object({
  platform: z.enum(['shopify', 'magento']),
  storeKey: z.string().min(1).max(500),
  eventId: z.string().min(1).max(500),
  topic: z.string().min(1).max(200),
  payload: z.unknown(),
  receivedAt: z.date().optional(),
  /**
   * On VALIDATION_FAILED, durably keep the event (state `failed`, the issues as lastError, payload
   * as received when storable) before throwing, so an adapter that must answer 2xx anyway (Shopify
   * retries a 4xx with the same body) loses nothing; see engine.inbound.listRejected.
   */
  recordRejected: z.boolean().optional(),
});
export type TAcceptInput = z.input<typeof ZAcceptInput>;

export type AcceptResult = { status: 'accepted' | 'duplicate'; inboundEventId: string; eventKinds: string[] };

/**
 * What InboundEvent.payload holds: the normalised events, plus the raw Shopify body: fulfillment /
 * refund / return webhooks carry no order, so the worker re-maps them with the order body kept from
 * the order's own webhook.
 */
export type StoredInbound = {
  events: TCommerceEvent[];
  ignored: string | null;
  raw?: unknown;
  /** Written by the worker when it plans the event with product facts (resolve-product-facts.ts). */
  productFacts?: StoredProductFacts;
};

type StoredResult = { inboundEventId: string; eventKinds: string[] };

/**
 * Validates, normalises and de-duplicates one platform event, then stores it and enqueues its
 * processing in ONE transaction: after this returns, a crash loses nothing, and a re-delivery of
 * the same event (same platform event id) creates nothing new and answers like the first time.
 *
 * Events are processed with the data they carry, whatever order they arrive in (a refund before
 * its order still produces its refund confirmation from the refund's own order snapshot).
 */
export async function acceptEvent(ctx: EngineContext, raw: TAcceptInput): Promise<AcceptResult> {
  const parsed = ZAcceptInput.safeParse(raw);
  if (!parsed.success) throw new ConnectError('VALIDATION_FAILED', 'Invalid event', { issues: zodIssues(parsed.error) });
  const input = parsed.data;
  const store = await ctx.storeCache.get(input.platform, normaliseKey(input.platform, input.storeKey));
  if (!store) throw new ConnectError('NOT_FOUND', 'Unknown store');
  if (store.uninstalled) throw new ConnectError('STORE_INACTIVE', 'The store is not installed');

  const dedupeKey = `${input.topic}:${input.eventId}`;

  // No duplicate pre-check: mapping costs ~0.1 ms, a query costs more, and the insert's
  // ON CONFLICT is the real guard anyway. A duplicate is recognised after the write.
  // Mapping throws VALIDATION_FAILED naming each field path: the adapter answers 400 with it.
  let mapped: { events: TCommerceEvent[]; ignored: string | null };
  try {
    // Before mapping: NUL / lone surrogates cannot be stored (jsonb), and deep nesting would
    // exhaust the stack of the recursive validators; both are a 400, not a 500.
    assertStorablePayload({ eventId: input.eventId, topic: input.topic }, 'event');
    assertStorablePayload(input.payload, 'event payload');
    mapped =
      input.platform === 'shopify'
        ? // Returns webhooks carry no timestamp: the delivery time dates them.
          mapShopifyWebhook(input.topic, input.payload, { shopDomain: store.externalKey, receivedAt: input.receivedAt ?? ctx.clock() })
        : mapMagentoEvent(input.payload);
  } catch (error) {
    if (input.recordRejected && error instanceof ConnectError && error.code === 'VALIDATION_FAILED') {
      await recordRejected(ctx, { storeId: store.id, platform: input.platform, eventId: input.eventId, topic: input.topic, dedupeKey, payload: input.payload, receivedAt: input.receivedAt }, error.issues ?? []);
    }
    throw error;
  }
  return recordInbound(ctx, {
    storeId: store.id,
    platform: input.platform,
    eventId: input.eventId,
    topic: input.topic,
    dedupeKey,
    mapped,
    ...(input.platform === 'shopify' ? { raw: input.payload } : {}),
    receivedAt: input.receivedAt ?? ctx.clock(),
  });
}

/**
 * An event the engine itself derives from what the store sent (a replenishment now due), stored
 * and processed exactly like a platform event: the same ledger, dedupe by `topic:eventId`, planning
 * and history. Its topic starts with `engine/`, so it never collides with a platform topic.
 */
export async function acceptEngineEvent(
  ctx: EngineContext,
  store: { id: string; platform: 'shopify' | 'magento' },
  input: { topic: `engine/${string}`; eventId: string; event: TCommerceEvent },
): Promise<AcceptResult> {
  const parsed = ZCommerceEvent.safeParse(input.event);
  if (!parsed.success) throw new ConnectError('VALIDATION_FAILED', 'Invalid engine event', { issues: zodIssues(parsed.error) });
  return recordInbound(ctx, {
    storeId: store.id,
    platform: store.platform,
    eventId: input.eventId,
    topic: input.topic,
    dedupeKey: `${input.topic}:${input.eventId}`,
    mapped: { events: [parsed.data], ignored: null },
    receivedAt: ctx.clock(),
  });
}

/** Stores an inbound event and enqueues its processing (one group-committed transaction); a repeat of its dedupe key answers the first one. */
async function recordInbound(
  ctx: EngineContext,
  input: {
    storeId: string;
    platform: 'shopify' | 'magento';
    eventId: string;
    topic: string;
    dedupeKey: string;
    mapped: { events: TCommerceEvent[]; ignored: string | null };
    raw?: unknown;
    receivedAt: Date;
  },
): Promise<AcceptResult> {
  const { events, ignored } = input.mapped;
  const eventKinds = events.map((event) => event.kind);
  const id = randomUUID();
  const result: StoredResult = { inboundEventId: id, eventKinds };
  const first = events[0];
  const payload: StoredInbound = { events, ignored, ...(input.raw !== undefined ? { raw: input.raw } : {}) };
  const now = ctx.clock().toISOString();

  // Hot path: group-committed with other events arriving at the same moment (see inbound-writer);
  // the row and its processing job commit in one transaction.
  const created = await ctx.inboundWriter.write({
    id,
    storeId: input.storeId,
    platform: input.platform,
    eventId: input.eventId,
    dedupeKey: input.dedupeKey,
    businessKey: events.length > 0 ? events.map(businessKeyFor).join('\n') : null,
    topic: input.topic,
    kind: first?.kind ?? null,
    orderRef: first?.orderRef ?? null,
    receivedAt: input.receivedAt.toISOString(),
    payload,
    // Nothing to do for an ignored topic: record it as processed so history explains it.
    state: events.length > 0 ? 'received' : 'processed',
    processedAt: events.length > 0 ? null : now,
    lastError: events.length > 0 ? null : ignored,
    result,
    enqueue: events.length > 0,
  });
  if (!created) {
    const winner = await findExisting(ctx, input.storeId, input.dedupeKey);
    if (winner) return winner;
    throw new ConnectError('INTERNAL', 'Inbound event vanished after a duplicate insert');
  }
  ctx.wake(QUEUES.inbound);
  return { status: 'accepted', ...result };
}

/** The InboundEvent.result of a rejected event (tells it apart from a processing failure). */
export type RejectedResult = { rejected: true; issues: FieldIssue[] };

/**
 * Keeps a payload the mapper rejected, deduplicated like an accepted event (a Shopify retry of the
 * same delivery adds nothing). lastError carries field paths and messages only, never values.
 */
async function recordRejected(
  ctx: EngineContext,
  event: { storeId: string; platform: 'shopify' | 'magento'; eventId: string; topic: string; dedupeKey: string; payload: unknown; receivedAt: Date | undefined },
  issues: FieldIssue[],
): Promise<void> {
  // eventId / topic come from headers or the envelope: when they are not storable either, keep
  // the event under a placeholder rather than lose it.
  // JSON escapes (\u0000, \ud800) keep them distinct, so dedupe still works.
  const text = (value: string) => (inspectPayload(value).length > 0 ? JSON.stringify(value).slice(1, -1) : value);
  const storable = inspectPayload(event.payload).length === 0;
  const shown = issues.slice(0, 20);
  const lastError =
    shown.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ') + (issues.length > shown.length ? ` (+${issues.length - shown.length} more)` : '');
  const payload = storable
    ? { rejected: true, raw: event.payload }
    : { rejected: true, raw: null, note: 'payload not stored: it holds text Postgres cannot store or is nested too deeply (see lastError)' };
  const result: RejectedResult & { inboundEventId: string; eventKinds: string[] } = { rejected: true, issues: shown, inboundEventId: '', eventKinds: [] };
  const id = randomUUID();
  result.inboundEventId = id;
  try {
    await ctx.inboundWriter.write({
      id,
      storeId: event.storeId,
      platform: event.platform,
      eventId: text(event.eventId),
      dedupeKey: text(event.dedupeKey),
      businessKey: null,
      topic: text(event.topic),
      kind: null,
      orderRef: event.platform === 'shopify' && storable ? shopifyOrderRefOf(event.topic, event.payload) : null,
      receivedAt: (event.receivedAt ?? ctx.clock()).toISOString(),
      payload,
      state: 'failed',
      processedAt: ctx.clock().toISOString(),
      lastError,
      result,
      enqueue: false,
    });
  } catch (error) {
    // The adapter still gets the VALIDATION_FAILED it needs to answer; the loss is logged.
    ctx.logger.error('could not record a rejected event', { storeId: event.storeId, topic: event.topic, error: (error as Error).message });
  }
}

/** Best effort, so redactCustomer({ orderRefs }) also finds a rejected order webhook. */
function shopifyOrderRefOf(topic: string, payload: unknown): string | null {
  if (!payload || typeof payload !== 'object') return null;
  const body = payload as Record<string, unknown>;
  const candidate = topic.startsWith('orders/') ? body.id : body.order_id;
  if (typeof candidate === 'number' && Number.isSafeInteger(candidate)) return String(candidate);
  if (typeof candidate === 'string' && /^\d{1,30}$/.test(candidate)) return candidate;
  return null;
}

async function findExisting(ctx: EngineContext, storeId: string, dedupeKey: string): Promise<AcceptResult | null> {
  const rows = await ctx.prisma.$queryRawUnsafe<Array<{ id: string; result: unknown }>>(
    `SELECT id, result FROM "InboundEvent" WHERE "storeId" = $1::uuid AND "dedupeKey" = $2`,
    storeId,
    dedupeKey,
  );
  const row = rows[0];
  if (!row) return null;
  const stored = (typeof row.result === 'string' ? JSON.parse(row.result) : (row.result ?? {})) as Partial<StoredResult>;
  return { status: 'duplicate', inboundEventId: row.id, eventKinds: stored.eventKinds ?? [] };
}
