import { ConnectError } from '@exstream-connect/core';
import type { Communication, CommunicationEvent, Prisma } from '@exstream-connect/db';
import { z } from 'zod';
import type { EngineContext } from './engine-context.ts';
import { zodIssues } from './stores.ts';
import type { StoreRef, TimelineEntry } from './types.ts';

export function detailText(detail: unknown): string | null {
  if (detail === null || detail === undefined) return null;
  if (typeof detail === 'string') return detail;
  if (typeof detail === 'object' && 'message' in detail && typeof (detail as { message: unknown }).message === 'string') {
    return (detail as { message: string }).message;
  }
  return JSON.stringify(detail);
}

export function toTimelineEntry(row: Communication & { events: CommunicationEvent[] }): TimelineEntry {
  return {
    id: row.id,
    orderRef: row.orderRef,
    orderNumber: row.orderNumber,
    documentType: row.documentType,
    channel: row.channel,
    status: row.status,
    statusHistory: row.events.map((event) => ({ status: event.status, at: event.at.toISOString(), source: event.source, detail: detailText(event.detail) })),
    templateId: row.exstreamCommunicationId ?? row.templateRuleId,
    templateVersion: row.templateVersion,
    hasDocument: row.documentPath !== null,
    lastError: row.lastError,
    attempt: row.attempt,
    resendOfId: row.resendOfId,
    dryRun: row.dryRun,
    reason: row.reason,
    createdAt: row.createdAt.toISOString(),
  };
}

type TimelineRow = {
  id: string;
  orderRef: string | null;
  orderNumber: string | null;
  documentType: string;
  channel: string;
  status: string;
  exstreamCommunicationId: string | null;
  templateRuleId: string | null;
  templateVersion: string | null;
  documentPath: string | null;
  lastError: string | null;
  attempt: number;
  resendOfId: string | null;
  dryRun: boolean;
  reason: string | null;
  createdAt: string;
  events: unknown;
};

const EVENTS_INCLUDE = { events: { orderBy: { seq: 'asc' as const } } };

export const ZHistoryFilter = z
  .object({
    status: z.string().max(30).optional(),
    documentType: z.string().max(100).optional(),
    channel: z.string().max(30).optional(),
    orderRef: z.string().max(200).optional(),
    from: z.date().optional(),
    to: z.date().optional(),
    cursor: z.string().max(500).optional(),
    limit: z.number().int().min(1).max(200).optional(),
  })
  .strict();
export type THistoryFilter = z.infer<typeof ZHistoryFilter>;

function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) {
    throw new ConnectError('VALIDATION_FAILED', 'Invalid cursor', { issues: [{ path: 'cursor', message: 'not a cursor this API returned' }] });
  }
  return { createdAt, id };
}

export function createHistoryApi(ctx: EngineContext) {
  const { prisma } = ctx;
  return {
    /** The order page's read: one SQL statement (rows + their timelines), index (storeId, orderRef, createdAt). */
    async forOrder(store: StoreRef, orderRef: string): Promise<TimelineEntry[]> {
      const rows = await prisma.$queryRawUnsafe<TimelineRow[]>(
        `SELECT c.id::text AS id, c."orderRef", c."orderNumber", c."documentType", c.channel::text AS channel, c.status::text AS status,
                c."exstreamCommunicationId", c."templateRuleId"::text AS "templateRuleId", c."templateVersion", c."documentPath", c."lastError",
                c.attempt, c."resendOfId"::text AS "resendOfId", c."dryRun", c.reason, to_char(c."createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
                COALESCE((SELECT json_agg(json_build_object('status', e.status, 'at', to_char(e.at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'source', e.source, 'detail', e.detail) ORDER BY e.seq)
                          FROM "CommunicationEvent" e WHERE e."communicationId" = c.id), '[]'::json) AS events
         FROM "Communication" c
         WHERE c."storeId" = $1::uuid AND c."orderRef" = $2
         ORDER BY c."createdAt", c.id`,
        store.id,
        orderRef,
      );
      return rows.map((row) => {
        const events = (typeof row.events === 'string' ? JSON.parse(row.events) : row.events) as Array<{ status: string; at: string; source: string; detail: unknown }>;
        return {
          id: row.id,
          orderRef: row.orderRef,
          orderNumber: row.orderNumber,
          documentType: row.documentType,
          channel: row.channel,
          status: row.status,
          statusHistory: events.map((e) => ({ status: e.status, at: e.at, source: e.source, detail: detailText(e.detail) })),
          templateId: row.exstreamCommunicationId ?? row.templateRuleId,
          templateVersion: row.templateVersion,
          hasDocument: row.documentPath !== null,
          lastError: row.lastError,
          attempt: Number(row.attempt),
          resendOfId: row.resendOfId,
          dryRun: row.dryRun,
          reason: row.reason,
          createdAt: row.createdAt,
        };
      });
    },

    async list(store: StoreRef, filter: THistoryFilter = {}): Promise<{ items: TimelineEntry[]; nextCursor: string | null }> {
      const parsed = ZHistoryFilter.safeParse(filter);
      if (!parsed.success) throw new ConnectError('VALIDATION_FAILED', 'Invalid history filter', { issues: zodIssues(parsed.error) });
      const f = parsed.data;
      const limit = f.limit ?? 50;
      const where: Prisma.CommunicationWhereInput = {
        storeId: store.id,
        ...(f.status ? { status: f.status as never } : {}),
        ...(f.documentType ? { documentType: f.documentType } : {}),
        ...(f.channel ? { channel: f.channel as never } : {}),
        ...(f.orderRef ? { orderRef: f.orderRef } : {}),
        ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
      };
      const cursorWhere: Prisma.CommunicationWhereInput | undefined = f.cursor
        ? (() => {
            const c = decodeCursor(f.cursor);
            return { OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] };
          })()
        : undefined;
      const rows = await prisma.communication.findMany({
        where: cursorWhere ? { AND: [where, cursorWhere] } : where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
        include: EVENTS_INCLUDE,
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { items: page.map(toTimelineEntry), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
    },

    /**
     * The dashboard's figures, in the store's own time zone: "today" is the merchant's day, not UTC's,
     * and `days` gives the last `STATS_DAYS` days (oldest first, every day present, zero when quiet)
     * with each day's communications by outcome, for the volume chart.
     */
    async stats(store: StoreRef) {
      const now = ctx.clock();
      const { timezone } = await prisma.store.findUniqueOrThrow({ where: { id: store.id }, select: { timezone: true } });
      const zone = isKnownTimeZone(timezone) ? timezone : 'UTC';
      const [counts, lastFailed] = await Promise.all([
        // createdAt is a UTC timestamp without zone: AT TIME ZONE 'UTC' makes it an instant, the
        // second AT TIME ZONE gives the store's wall clock, whose day is the merchant's day.
        prisma.$queryRawUnsafe<Array<{ day: string; status: string; n: number }>>(
          `WITH bounds AS (SELECT date_trunc('day', ($2::timestamptz) AT TIME ZONE $3) - make_interval(days => $4) AS start_local)
           SELECT to_char(date_trunc('day', (c."createdAt" AT TIME ZONE 'UTC') AT TIME ZONE $3), 'YYYY-MM-DD') AS day, c.status::text AS status, count(*)::int AS n
           FROM "Communication" c, bounds
           WHERE c."storeId" = $1::uuid AND c."createdAt" >= ((bounds.start_local AT TIME ZONE $3) AT TIME ZONE 'UTC')
           GROUP BY 1, 2`,
          store.id,
          now.toISOString(),
          zone,
          STATS_DAYS - 1,
        ),
        prisma.communication.findMany({
          where: { storeId: store.id, status: 'failed' },
          orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
          take: 5,
          select: { id: true, documentType: true, orderRef: true, lastError: true, updatedAt: true },
        }),
      ]);
      const days = dayKeys(now, zone, STATS_DAYS).map((day) => ({ day, total: 0, byOutcome: emptyOutcomes() }));
      for (const row of counts) {
        const day = days.find((d) => d.day === row.day);
        if (!day) continue;
        day.total += row.n;
        day.byOutcome[outcomeOf(row.status)] += row.n;
      }
      const todayRow = days[days.length - 1]!;
      return {
        timezone: zone,
        today: todayRow.total,
        failedToday: todayRow.byOutcome.failed,
        failureRate: todayRow.total === 0 ? 0 : todayRow.byOutcome.failed / todayRow.total,
        days,
        lastErrors: lastFailed.map((row) => ({ id: row.id, documentType: row.documentType, orderRef: row.orderRef, error: row.lastError ?? 'failed', at: row.updatedAt.toISOString() })),
      };
    },
  };
}

/** Days of history on the dashboard chart. */
export const STATS_DAYS = 14;

/** The chart's stacks: what a merchant asks of a day ("did it reach the customer?"), not every status. */
export const OUTCOMES = ['delivered', 'sent', 'pending', 'bounced', 'failed', 'not_sent'] as const;
export type Outcome = (typeof OUTCOMES)[number];

function emptyOutcomes(): Record<Outcome, number> {
  return { delivered: 0, sent: 0, pending: 0, bounced: 0, failed: 0, not_sent: 0 };
}

function outcomeOf(status: string): Outcome {
  switch (status) {
    case 'delivered':
    case 'opened':
      return 'delivered';
    case 'sent':
      return 'sent';
    case 'queued':
    case 'sending':
      return 'pending';
    case 'bounced':
      return 'bounced';
    case 'failed':
      return 'failed';
    default:
      // suppressed and skipped: planned, deliberately not sent.
      return 'not_sent';
  }
}

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The last `count` calendar days in `zone`, oldest first, as YYYY-MM-DD. */
function dayKeys(now: Date, zone: string, count: number): string[] {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const [y, m, d] = format.format(now).split('-').map(Number) as [number, number, number];
  // Calendar arithmetic on a UTC date avoids DST: only the date parts matter here.
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(y, m - 1, d - (count - 1 - i))).toISOString().slice(0, 10));
}

export type HistoryApi = ReturnType<typeof createHistoryApi>;
