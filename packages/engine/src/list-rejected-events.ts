import { ConnectError } from '@exstream-connect/core';
import { z } from 'zod';
import type { EngineContext } from './engine-context.ts';
import { requireStore, zodIssues } from './stores.ts';
import type { StoreRef } from './types.ts';

export const ZListRejectedFilter = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type TListRejectedFilter = z.input<typeof ZListRejectedFilter>;

/** A webhook / module event the mapper refused (accept with `recordRejected: true`). No payload: it may hold personal data. */
export type RejectedEvent = {
  id: string;
  platform: 'shopify' | 'magento';
  topic: string;
  eventId: string;
  orderRef: string | null;
  receivedAt: string;
  /** The issues, "path: message; …" (never field values). */
  error: string;
  /** Whether the payload was kept as received (false: it held text Postgres cannot store, or was nested too deeply). */
  payloadKept: boolean;
};

function encodeCursor(receivedAt: string, id: string): string {
  return Buffer.from(`${receivedAt}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { receivedAt: string; id: string } {
  const [receivedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!receivedAt || !id || Number.isNaN(Date.parse(receivedAt)) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new ConnectError('VALIDATION_FAILED', 'Invalid cursor', { issues: [{ path: 'cursor', message: 'not a cursor this list returned' }] });
  }
  return { receivedAt, id };
}

/** The store's rejected events, newest first, keyset-paged. */
export async function listRejectedEvents(ctx: EngineContext, ref: StoreRef, filter: TListRejectedFilter = {}): Promise<{ items: RejectedEvent[]; nextCursor: string | null }> {
  const parsed = ZListRejectedFilter.safeParse(filter);
  if (!parsed.success) throw new ConnectError('VALIDATION_FAILED', 'Invalid filter', { issues: zodIssues(parsed.error) });
  const { limit, cursor } = parsed.data;
  const store = await requireStore(ctx, ref);
  const after = cursor ? decodeCursor(cursor) : null;
  const rows = await ctx.prisma.$queryRawUnsafe<Array<Omit<RejectedEvent, 'error'> & { error: string | null }>>(
    `SELECT id::text AS id, platform::text AS platform, topic, "eventId", "orderRef",
            to_char("receivedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "receivedAt", "lastError" AS error,
            (payload -> 'raw') IS NOT NULL AND jsonb_typeof(payload -> 'raw') <> 'null' AS "payloadKept"
     FROM "InboundEvent"
     WHERE "storeId" = $1::uuid AND state = 'failed' AND result ->> 'rejected' = 'true'
       ${after ? `AND ("receivedAt", id) < (($2::timestamptz AT TIME ZONE 'UTC'), $3::uuid)` : ''}
     ORDER BY "receivedAt" DESC, id DESC
     LIMIT ${limit + 1}`,
    ...(after ? [store.id, after.receivedAt, after.id] : [store.id]),
  );
  const items = rows.slice(0, limit).map((row) => ({ ...row, error: row.error ?? '' }));
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.receivedAt, last.id) : null };
}
