import { ConnectError, ZChannel, ZCommunicationStatus, ZPreferenceState } from '@exstream-connect/core';
import { z } from 'zod';
import type { EngineContext } from './engine-context.ts';
import type { StoreRef } from './types.ts';

/**
 * The feedback feed (`GET /v1/feedback` of the Magento sidecar): what the store's own module needs
 * to write delivery outcomes and consent changes back into Magento. It is only ever served to the
 * signing store, over the signed channel, so a consent item carries what Magento needs to find the
 * customer: the Magento customer id and the full address of that store's own customer. Nothing here
 * is logged; logs mask addresses.
 */
const ZItemBase = {
  /** Opaque position; pass the page's `nextCursor` as `after` to continue. */
  cursor: z.string().min(1),
  /** Magento store view code of the event the communication came from; null when unknown (redacted, Shopify). */
  storeCode: z.string().min(1).nullable(),
  at: z.iso.datetime({ offset: true }),
  detail: z.string().nullable(),
};

/** A status change of one communication (queued, sent, delivered, bounced, failed...). */
export const ZFeedbackStatusItem = z.strictObject({
  type: z.literal('communication_status'),
  ...ZItemBase,
  communicationId: z.uuid(),
  /** Magento increment_id of the order; null for documents without an order (abandoned cart). */
  orderRef: z.string().nullable(),
  documentType: z.string().min(1),
  channel: ZChannel,
  status: ZCommunicationStatus,
});

/**
 * A consent change learnt from delivery feedback: `opted_out` (the recipient unsubscribed) or
 * `bounced` (the address does not take mail: a delivery fact, not a consent decision).
 */
export const ZFeedbackConsentItem = z.strictObject({
  type: z.literal('consent_changed'),
  ...ZItemBase,
  channel: ZChannel,
  state: ZPreferenceState,
  /** Magento customer entity id; null for a guest. */
  customerId: z.number().int().positive().nullable(),
  /** The customer's full address as the store sent it; null once the customer was redacted. */
  email: z.string().min(3).nullable(),
  /** The communication whose feedback carried the change, when it is still known. */
  communicationId: z.uuid().nullable(),
  /** Who reported it, e.g. `exstream_feedback`. */
  source: z.string().min(1),
});

export const ZFeedbackItem = z.discriminatedUnion('type', [ZFeedbackStatusItem, ZFeedbackConsentItem]);
export type FeedbackItem = z.infer<typeof ZFeedbackItem>;
export const ZFeedbackPage = z.strictObject({ items: z.array(ZFeedbackItem), nextCursor: z.string().min(1) });
export type FeedbackPage = z.infer<typeof ZFeedbackPage>;

/** A feed position: (writing transaction, seq) of the last status event and of the last consent event read. */
type FeedPosition = { txid: bigint; seq: bigint };
type FeedCursor = { comm: FeedPosition; consent: FeedPosition };

const START: FeedPosition = { txid: 0n, seq: 0n };
const formatPosition = (p: FeedPosition) => `${p.txid}-${p.seq}`;
const formatCursor = (c: FeedCursor) => `${formatPosition(c.comm)}.${formatPosition(c.consent)}`;

function parseCursor(cursor: string | undefined): FeedCursor {
  if (!cursor) return { comm: START, consent: START };
  const match = /^(\d{1,20})-(\d{1,19})\.(\d{1,20})-(\d{1,19})$/.exec(cursor);
  if (!match) throw new ConnectError('VALIDATION_FAILED', 'Invalid cursor', { issues: [{ path: 'cursor', message: 'not a cursor this API returned' }] });
  return { comm: { txid: BigInt(match[1]!), seq: BigInt(match[2]!) }, consent: { txid: BigInt(match[3]!), seq: BigInt(match[4]!) } };
}

// Rows written by transactions that are all finished, after the cursor, in (txid, seq) order. A
// sequence value is taken at insert time, so paging on seq alone would skip a row whose transaction
// commits after a reader moved past a higher seq; no transaction older than pg_snapshot_xmin is
// still running, so nothing can ever appear behind this cursor.
const COMMITTED_AFTER = `(e.txid, e.seq) > ($2::text::xid8, $3::bigint) AND e.txid < pg_snapshot_xmin(pg_current_snapshot())`;

// The event the communication was planned from (every event of one envelope shares its store view
// and customer). Redaction replaces the payload, so these read null afterwards.
const STORE_CODE = `i.payload #>> '{events,0,storeView,code}'`;

type StatusRow = {
  txid: string;
  seq: string;
  communicationId: string;
  orderRef: string | null;
  documentType: string;
  channel: string;
  status: string;
  storeCode: string | null;
  at: Date;
  detail: unknown;
};
type ConsentRow = {
  txid: string;
  seq: string;
  customerRef: string;
  channel: string;
  state: string;
  source: string;
  at: Date;
  detail: string | null;
  communicationId: string | null;
  storeCode: string | null;
  email: string | null;
};

/** `88` → 88; `email:<hash>` (a guest) → null. */
function magentoCustomerId(customerRef: string): number | null {
  if (!/^\d{1,15}$/.test(customerRef)) return null;
  const id = Number(customerRef);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Status changes and consent changes of one store after `cursor`, oldest first (the Magento module pulls these). */
export async function readFeedbackFeed(ctx: EngineContext, store: StoreRef, cursor: string | undefined, limit = 100): Promise<FeedbackPage> {
  const take = Math.min(Math.max(limit, 1), 500);
  const from = parseCursor(cursor);
  const page = <T>(columns: string, source: string, after: FeedPosition) =>
    ctx.prisma.$queryRawUnsafe<T[]>(
      `SELECT e.txid::text AS txid, e.seq::text AS seq, ${columns} FROM ${source}
       WHERE e."storeId" = $1::uuid AND ${COMMITTED_AFTER} ORDER BY e.txid, e.seq LIMIT $4`,
      store.id,
      after.txid.toString(),
      after.seq.toString(),
      take,
    );
  const [statuses, consents] = await Promise.all([
    page<StatusRow>(
      `e."communicationId"::text AS "communicationId", c."orderRef", c."documentType", c.channel::text AS channel, e.status::text AS status,
       ${STORE_CODE} AS "storeCode", e.at, e.detail`,
      `"CommunicationEvent" e
       JOIN "Communication" c ON c.id = e."communicationId" AND c."storeId" = e."storeId"
       LEFT JOIN "InboundEvent" i ON i.id = c."inboundEventId" AND i."storeId" = c."storeId"`,
      from.comm,
    ),
    // The customer's communication the change came from: the one whose status event was written in
    // the same transaction as the consent event (the callback records both together), else the
    // customer's latest. It gives the store view and the address the store sent to.
    page<ConsentRow>(
      `e."customerRef", e.channel::text AS channel, e.state::text AS state, e.source, e.at, e.detail,
       src."communicationId", src."storeCode", src.email`,
      `"ConsentEvent" e
       LEFT JOIN LATERAL (
         SELECT c.id::text AS "communicationId", ${STORE_CODE} AS "storeCode", i.payload #>> '{events,0,customer,email}' AS email
         FROM "Communication" c
         LEFT JOIN "InboundEvent" i ON i.id = c."inboundEventId" AND i."storeId" = c."storeId"
         WHERE c."storeId" = e."storeId" AND c."customerRef" = e."customerRef"
         ORDER BY EXISTS (
           SELECT 1 FROM "CommunicationEvent" ce WHERE ce."storeId" = e."storeId" AND ce."communicationId" = c.id AND ce.txid = e.txid
         ) DESC, c."createdAt" DESC
         LIMIT 1
       ) src ON true`,
      from.consent,
    ),
  ]);
  type Entry = { at: Date; position: FeedPosition; item: FeedbackItem };
  const position = (row: { txid: string; seq: string }): FeedPosition => ({ txid: BigInt(row.txid), seq: BigInt(row.seq) });
  const cs = statuses.map((e): Entry => ({
    at: e.at,
    position: position(e),
    item: {
      type: 'communication_status',
      cursor: '',
      communicationId: e.communicationId,
      orderRef: e.orderRef,
      documentType: e.documentType,
      channel: e.channel as FeedbackItem['channel'],
      status: e.status as Extract<FeedbackItem, { type: 'communication_status' }>['status'],
      storeCode: e.storeCode,
      at: e.at.toISOString(),
      detail: typeof e.detail === 'string' ? e.detail : e.detail === null ? null : JSON.stringify(e.detail),
    },
  }));
  const ps = consents.map((e): Entry => ({
    at: e.at,
    position: position(e),
    item: {
      type: 'consent_changed',
      cursor: '',
      channel: e.channel as FeedbackItem['channel'],
      state: e.state as Extract<FeedbackItem, { type: 'consent_changed' }>['state'],
      customerId: magentoCustomerId(e.customerRef),
      email: e.email,
      storeCode: e.storeCode,
      communicationId: e.communicationId,
      source: e.source,
      at: e.at.toISOString(),
      detail: e.detail,
    },
  }));
  // Merge the two streams keeping each in feed order (a cursor must never skip a row),
  // interleaved by time so a reader sees roughly chronological output.
  const at: FeedCursor = { ...from };
  const items: FeedbackItem[] = [];
  let i = 0;
  let j = 0;
  while (items.length < take && (i < cs.length || j < ps.length)) {
    const takeStatus = j >= ps.length || (i < cs.length && cs[i]!.at.getTime() <= ps[j]!.at.getTime());
    const entry = takeStatus ? cs[i++]! : ps[j++]!;
    if (takeStatus) at.comm = entry.position;
    else at.consent = entry.position;
    items.push({ ...entry.item, cursor: formatCursor(at) });
  }
  return { items, nextCursor: formatCursor(at) };
}
