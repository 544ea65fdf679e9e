import { rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { ConnectError } from '@exstream-connect/core';
import type { Prisma } from '@exstream-connect/db';
import type { EngineContext } from './engine-context.ts';
import { recipientHashFor } from './hashing.ts';
import { parseStoreSettings } from './settings.ts';
import { requireStore } from './stores.ts';
import type { StoreRef } from './types.ts';

export type CustomerSelector = { customerRef?: string; email?: string; orderRefs?: string[] };

const ARCHIVE_PAGE = 500;

function customerWhere(storeId: string, who: CustomerSelector): Prisma.CommunicationWhereInput {
  const or: Prisma.CommunicationWhereInput[] = [];
  if (who.customerRef) or.push({ customerRef: who.customerRef });
  const hash = recipientHashFor(who.email);
  if (hash) or.push({ recipientHash: hash }, { customerRef: `email:${hash}` });
  if (who.orderRefs && who.orderRefs.length > 0) or.push({ orderRef: { in: who.orderRefs } });
  if (or.length === 0) throw new ConnectError('VALIDATION_FAILED', 'Say whose data', { issues: [{ path: 'customerRef', message: 'customerRef, email or orderRefs is required' }] });
  return { storeId, OR: or };
}

function customerKeys(who: CustomerSelector): string[] {
  const hash = recipientHashFor(who.email);
  return [...(who.customerRef ? [who.customerRef] : []), ...(hash ? [`email:${hash}`] : [])];
}

/**
 * A case-insensitive Postgres regex matching the whole address: not preceded by a character that
 * could belong to a local part, not followed by one that could extend the domain. Captures what is
 * around it (\1, \2) so a replacement keeps the surrounding JSON intact.
 */
export function emailRegex(email: string): string {
  const escaped = email.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return `(^|[^a-z0-9._%+-])${escaped}(\\.?$|\\.[^a-z0-9]|[^a-z0-9.-])`;
}

/** Idempotency keys of a store start with this (see idempotencyKeyFor): parked feedback jobs carry only the key. */
function keyPrefixOf(storeId: string): string {
  return `exc-${storeId.replace(/-/g, '').toLowerCase()}-%`;
}

/** pg-boss jobs (schema pgboss) that belong to a store: by the store id in their data, or by one of its keys. */
function jobOfStore(storeParam: string, keyPrefixParam: string): string {
  return `data->>'storeId' = ${storeParam} OR data->'event'->>'idempotencyKey' LIKE ${keyPrefixParam}`;
}

export function createComplianceApi(ctx: EngineContext) {
  return {
    /** Everything held about one customer in this store (Shopify customers/data_request). */
    async exportCustomer(store: StoreRef, who: CustomerSelector): Promise<Record<string, unknown>> {
      await requireStore(ctx, store);
      const keys = customerKeys(who);
      const [communications, preferences, consents] = await Promise.all([
        ctx.prisma.communication.findMany({ where: customerWhere(store.id, who), orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], include: { events: { orderBy: { seq: 'asc' } } } }),
        ctx.prisma.customerPreference.findMany({ where: { storeId: store.id, customerRef: { in: keys } } }),
        ctx.prisma.consentEvent.findMany({ where: { storeId: store.id, customerRef: { in: keys } }, orderBy: { seq: 'asc' } }),
      ]);
      return {
        customerRef: who.customerRef ?? null,
        exportedAt: ctx.clock().toISOString(),
        communications: communications.map((c) => ({
          id: c.id,
          orderRef: c.orderRef,
          orderNumber: c.orderNumber,
          documentType: c.documentType,
          channel: c.channel,
          status: c.status,
          createdAt: c.createdAt.toISOString(),
          sentAt: c.sentAt?.toISOString() ?? null,
          documentData: c.documentData,
          statusHistory: c.events.map((e) => ({ status: e.status, at: e.at.toISOString(), source: e.source })),
        })),
        preferences: preferences.map((p) => ({ channel: p.channel, state: p.state, source: p.source, updatedAt: p.updatedAt.toISOString() })),
        consentChanges: consents.map((e) => ({ channel: e.channel, state: e.state, source: e.source, at: e.at.toISOString() })),
      };
    },

    /**
     * GDPR erasure of one customer: document data, recipient details, error texts, timeline
     * details, stored PDFs, inbound payloads (rejected ones included), preferences and consent log
     * go; ids, hashes, statuses and counts stay, so history and statistics remain true without
     * saying who. The email is matched case-insensitively, as a whole address (ann@x.com never
     * matches joann@x.com), wherever this store's rows hold it as text.
     */
    async redactCustomer(store: StoreRef, who: CustomerSelector): Promise<{ communications: number }> {
      await requireStore(ctx, store);
      const emailPattern = who.email?.trim() ? emailRegex(who.email) : null;
      const byFields = await ctx.prisma.communication.findMany({ where: customerWhere(store.id, who), select: { id: true, orderRef: true, documentPath: true } });
      // Rows that name the address although it is not their recipient's (an error text, a contact in the data).
      const byText = emailPattern
        ? await ctx.prisma.$queryRawUnsafe<Array<{ id: string; orderRef: string | null; documentPath: string | null }>>(
            `SELECT id::text AS id, "orderRef", "documentPath" FROM "Communication"
             WHERE "storeId" = $1::uuid AND ("documentData"::text ~* $2 OR COALESCE("lastError", '') ~* $2 OR COALESCE(reason, '') ~* $2)`,
            store.id,
            emailPattern,
          )
        : [];
      const rows = [...new Map([...byFields, ...byText].map((r) => [r.id, r])).values()];
      const ids = rows.map((r) => r.id);
      const keys = customerKeys(who);
      const orderRefs = [...new Set([...rows.map((r) => r.orderRef).filter((r): r is string => r !== null), ...(who.orderRefs ?? [])])];
      const now = ctx.clock();
      const redactedText = `CASE WHEN "lastError" IS NULL THEN NULL ELSE 'redacted' END`;
      await ctx.prisma.$transaction(async (tx) => {
        if (ids.length > 0) {
          await tx.$executeRawUnsafe(
            `UPDATE "Communication" SET "documentData" = '{"redacted": true}'::jsonb, "customerRef" = NULL, "recipientMasked" = NULL, "documentPath" = NULL,
               "lastError" = ${redactedText}, "redactedAt" = ($3::timestamptz AT TIME ZONE 'UTC'),
               -- Business keys of some facts (replenishment reminders of a guest) embed the email: hash them.
               "businessKey" = CASE WHEN "businessKey" LIKE '%@%' THEN 'sha256:' || encode(sha256(convert_to("businessKey", 'UTF8')), 'hex') ELSE "businessKey" END
             WHERE "storeId" = $1::uuid AND id = ANY($2::uuid[])`,
            store.id,
            ids,
            now.toISOString(),
          );
          // Every detail of their timelines, whatever wrote it (feedback texts, retry errors, notes).
          await tx.$executeRawUnsafe(
            `UPDATE "CommunicationEvent" SET detail = to_jsonb('redacted'::text) WHERE "storeId" = $1::uuid AND "communicationId" = ANY($2::uuid[]) AND detail IS NOT NULL`,
            store.id,
            ids,
          );
        }
        const inboundSet = `payload = '{"redacted": true}'::jsonb, "lastError" = ${redactedText}`;
        if (orderRefs.length > 0) {
          await tx.$executeRawUnsafe(`UPDATE "InboundEvent" SET ${inboundSet} WHERE "storeId" = $1::uuid AND "orderRef" = ANY($2::text[])`, store.id, orderRefs);
        }
        if (who.customerRef) {
          // Events without an order (customer updates, carts) are found by the customer inside the
          // payload; a rejected webhook keeps only its raw body, found by the customer id there.
          await tx.$executeRawUnsafe(
            `UPDATE "InboundEvent" SET ${inboundSet}
             WHERE "storeId" = $1::uuid AND (payload->'events' @> $2::jsonb OR payload->'raw'->'customer'->>'id' = $3 OR payload->'raw'->'entity'->>'customer_id' = $3)`,
            store.id,
            JSON.stringify([{ customer: { ref: who.customerRef } }]),
            who.customerRef,
          );
        }
        if (emailPattern) {
          // Any event naming the address: accepted, rejected (kept raw), whatever the platform.
          await tx.$executeRawUnsafe(`UPDATE "InboundEvent" SET ${inboundSet} WHERE "storeId" = $1::uuid AND (payload::text ~* $2 OR COALESCE("lastError", '') ~* $2)`, store.id, emailPattern);
          // Texts of other rows of the store that quote the address.
          await tx.$executeRawUnsafe(`UPDATE "Communication" SET "lastError" = 'redacted' WHERE "storeId" = $1::uuid AND "lastError" ~* $2`, store.id, emailPattern);
          await tx.$executeRawUnsafe(`UPDATE "CommunicationEvent" SET detail = to_jsonb('redacted'::text) WHERE "storeId" = $1::uuid AND detail::text ~* $2`, store.id, emailPattern);
          await tx.$executeRawUnsafe(`UPDATE "ConsentEvent" SET detail = 'redacted' WHERE "storeId" = $1::uuid AND detail ~* $2`, store.id, emailPattern);
          // Queue jobs of this store (parked feedback, dead letters, write-backs) keep texts too.
          await tx.$executeRawUnsafe(
            `UPDATE pgboss.job SET data = regexp_replace(data::text, $2, '\\1redacted\\2', 'gi')::jsonb,
               output = CASE WHEN output IS NULL THEN NULL ELSE regexp_replace(output::text, $2, '\\1redacted\\2', 'gi')::jsonb END
             WHERE (${jobOfStore('$1', '$3')}) AND (data::text ~* $2 OR COALESCE(output::text, '') ~* $2)`,
            store.id,
            emailPattern,
            keyPrefixOf(store.id),
          );
        }
        if (keys.length > 0) {
          await tx.customerPreference.deleteMany({ where: { storeId: store.id, customerRef: { in: keys } } });
          await tx.consentEvent.deleteMany({ where: { storeId: store.id, customerRef: { in: keys } } });
        }
      });
      for (const row of rows) {
        if (row.documentPath) await unlink(path.join(ctx.documentsDir, row.documentPath)).catch(() => undefined);
      }
      return { communications: rows.length };
    },

    /**
     * Everything of one store: its rows in every table that carries a storeId (cascade, plus tables
     * without a foreign key), its queue jobs, and its documents folder.
     */
    async eraseStore(store: StoreRef): Promise<void> {
      await ctx.prisma.$transaction(async (tx) => {
        await tx.store.deleteMany({ where: { id: store.id } });
        const tables = await tx.$queryRawUnsafe<Array<{ table: string }>>(
          `SELECT DISTINCT table_name::text AS "table" FROM information_schema.columns
           WHERE table_schema = current_schema() AND column_name = 'storeId' AND table_name <> 'Store'`,
        );
        for (const { table } of tables) {
          await tx.$executeRawUnsafe(`DELETE FROM "${table.replace(/"/g, '""')}" WHERE "storeId"::text = $1`, store.id);
        }
        await tx.$executeRawUnsafe(`DELETE FROM pgboss.job WHERE ${jobOfStore('$1', '$2')}`, store.id, keyPrefixOf(store.id));
      });
      const dir = path.join(ctx.documentsDir, store.id);
      if (path.dirname(dir) === ctx.documentsDir) await rm(dir, { recursive: true, force: true });
      ctx.exstream.forget(store.id);
      ctx.storeState.forget(store.id);
      ctx.storeCache.clear();
    },

    /**
     * The compliance archive of a period as JSON lines: what was sent (the data, or its hash and a
     * pointer when the store keeps hashes only), when, to whom (masked), template id + version,
     * Exstream job id and output reference. Paged by keyset, so memory stays flat.
     */
    async *exportArchive(store: StoreRef, period: { from: Date; to: Date }): AsyncIterable<string> {
      const row = await requireStore(ctx, store);
      const keepData = parseStoreSettings(row.settings).archive.storeDocumentData;
      let after: { createdAt: Date; id: string } | null = null;
      for (;;) {
        const where: Prisma.CommunicationWhereInput = { storeId: store.id, createdAt: { gte: period.from, lt: period.to } };
        const page: Awaited<ReturnType<typeof ctx.prisma.communication.findMany>> = await ctx.prisma.communication.findMany({
          where: after ? { AND: [where, { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }] } : where,
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          take: ARCHIVE_PAGE,
        });
        for (const c of page) {
          yield JSON.stringify({
            id: c.id,
            createdAt: c.createdAt.toISOString(),
            sentAt: c.sentAt?.toISOString() ?? null,
            status: c.status,
            documentType: c.documentType,
            channel: c.channel,
            orderRef: c.orderRef,
            recipient: c.recipientMasked,
            templateId: c.exstreamCommunicationId,
            templateVersion: c.templateVersion,
            exstreamJobId: c.exstreamJobId,
            documentRef: c.documentRef,
            documentPath: c.documentPath,
            dataSha256: c.dataSha256,
            attempt: c.attempt,
            resendOfId: c.resendOfId,
            dryRun: c.dryRun,
            redacted: c.redactedAt !== null,
            ...(keepData ? { documentData: c.documentData } : {}),
          }) + '\n';
        }
        const last = page.at(-1);
        if (!last || page.length < ARCHIVE_PAGE) return;
        after = { createdAt: last.createdAt, id: last.id };
      }
    },
  };
}
