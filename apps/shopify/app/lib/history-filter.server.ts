import { z } from 'zod';
import { CHANNELS, DOCUMENT_TYPES } from '@exstream-connect/core';
import type { THistoryFilter } from '@exstream-connect/engine';
import { parseOrderRef } from './order-ref.ts';

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

/** The Communications page's filters as URL search params (shareable, back-button friendly). */
export const ZHistoryQuery = z.object({
  status: optional(z.string().regex(/^[a-z_]{1,30}$/)),
  type: optional(z.enum(DOCUMENT_TYPES)),
  channel: optional(z.enum(CHANNELS)),
  order: optional(z.string().max(60)),
  cursor: optional(z.string().max(200)),
});
export type THistoryQuery = z.infer<typeof ZHistoryQuery>;

export function historyFilterFromUrl(url: URL, limit: number): { query: THistoryQuery; filter: THistoryFilter } {
  const raw = Object.fromEntries(['status', 'type', 'channel', 'order', 'cursor'].map((k) => [k, url.searchParams.get(k)]));
  const parsed = ZHistoryQuery.safeParse(raw);
  const query = parsed.success ? parsed.data : {};
  const orderRef = query.order ? (parseOrderRef(query.order.replace(/^#/, '')) ?? query.order) : undefined;
  const filter: THistoryFilter = {
    limit,
    ...(query.status ? { status: query.status } : {}),
    ...(query.type ? { documentType: query.type } : {}),
    ...(query.channel ? { channel: query.channel } : {}),
    ...(orderRef ? { orderRef } : {}),
    ...(query.cursor ? { cursor: query.cursor } : {}),
  };
  return { query, filter };
}
