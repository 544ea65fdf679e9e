import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { signFeedback } from '@exstream-connect/exstream-sandbox';
import { eventually, FEEDBACK_SECRET, sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';
import { LIFECYCLE_DOCUMENTS, LIFECYCLE_RULES, lifecycle, shopifyOrder } from './helpers/shopify-fixtures.ts';

const ENVELOPES = new URL('../../core/test/fixtures/magento/envelopes/', import.meta.url);

/** The data subject: mixed case in the payloads, a name nothing else in the database uses. */
const EMAIL = 'Erase.Me@Example.COM';
const FIRST = 'Ottilie';
const LAST = 'Quarterfield';
/** The whole address, as the redaction matches it: `noterase.me@example.com` (a neighbour) is someone else. */
const SUBJECT = /(^|[^a-z0-9._%+-])erase\.me@example\.com/i;

/** A payload of ours with the fixture's names replaced. */
function named<T>(payload: T, first: string, last: string): T {
  return JSON.parse(JSON.stringify(payload).replaceAll('Jane', first).replaceAll('Doe', last)) as T;
}

for (const target of testDatabaseTargets()) {
  describe(`redaction, store erasure and hash-only archives on ${target.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(target, { engine: { delivery: { retryLimit: 3, retryDelaySeconds: 1, retryDelayMaxSeconds: 2, sweepIntervalSeconds: 0 } } });
      await h.engine.startWorker();
    });
    afterAll(async () => {
      await h?.close();
    });

    async function shop(domain: string, settings: Record<string, unknown> = {}) {
      const store = await h.engine.stores.ensureShopifyShop(domain);
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules: LIFECYCLE_RULES, ...settings });
      return store;
    }
    const sentRows = (storeId: string, orderRef: string, count: number) =>
      eventually(async () => {
        const rows = await h.db.prisma.communication.findMany({ where: { storeId, orderRef } });
        return rows.length === count && rows.every((r) => r.status === 'sent') ? rows : null;
      }, { timeoutMs: 90_000, what: `${count} sent communications of order ${orderRef}` });
    const callback = (events: unknown[]) => {
      const body = JSON.stringify({ events });
      return h.engine.feedback.handleCallback(body, signFeedback(FEEDBACK_SECRET, body, Math.floor(Date.now() / 1000)));
    };
    /** Every row of every table of the product schema, and every queue job, as one text. */
    async function dumpDatabase(): Promise<string> {
      const tables = await h.db.prisma.$queryRawUnsafe<Array<{ name: string }>>(
        `SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      );
      const parts: string[] = [];
      for (const { name } of tables) {
        const rows = await h.db.prisma.$queryRawUnsafe<Array<{ row: string }>>(`SELECT row_to_json(t)::text AS row FROM "${name}" t`);
        parts.push(...rows.map((r) => `${name}: ${r.row}`));
      }
      const jobs = await h.db.prisma.$queryRawUnsafe<Array<{ row: string }>>(`SELECT name || ' ' || data::text || ' ' || COALESCE(output::text, '') AS row FROM pgboss.job`);
      parts.push(...jobs.map((j) => `job: ${j.row}`));
      return parts.join('\n');
    }

    it('redaction leaves no trace of the customer anywhere in the database, in any case, in any store', async () => {
      const store = await shop('redact.myshopify.com');
      // GIVEN the customer's lifecycle (address written in mixed case), all sent
      for (const step of lifecycle(3300000000001, { email: EMAIL })) {
        await h.engine.accept({ platform: 'shopify', storeKey: 'redact.myshopify.com', ...step, payload: named(step.payload, FIRST, LAST) });
      }
      const sent = await sentRows(store.id, '3300000000001', LIFECYCLE_DOCUMENTS.length);
      // AND a neighbour whose address contains the customer's, who must keep everything
      await h.engine.accept({ platform: 'shopify', storeKey: 'redact.myshopify.com', eventId: 'keep-1', topic: 'orders/create', payload: named(shopifyOrder(3300000000002, { email: 'noterase.me@example.com', customerId: 7777 }), 'Keeper', 'Intact') });
      await sentRows(store.id, '3300000000002', 1);
      // AND outcomes whose texts quote the address: a failure (lastError + timeline detail) and a bounce (detail, preference, consent log, print fallback)
      const byType = new Map(sent.map((r) => [r.documentType, r]));
      const at = new Date().toISOString();
      expect(
        await callback([
          { idempotencyKey: byType.get('invoice')!.idempotencyKey, jobId: null, outcome: 'failed', channel: 'email', at, detail: `mailbox ${EMAIL.toLowerCase()} over quota` },
          { idempotencyKey: byType.get('order_confirmation')!.idempotencyKey, jobId: null, outcome: 'bounced', channel: 'email', at, detail: `550 ${EMAIL.toUpperCase()} unknown user` },
        ]),
      ).toEqual({ applied: 2 });
      await eventually(async () => ((await h.db.prisma.communication.count({ where: { storeId: store.id, orderRef: '3300000000001', channel: 'print', status: 'sent' } })) === 1 ? true : null), {
        timeoutMs: 60_000,
        what: 'the print fallback to be sent',
      });
      // AND an error text on a retry of another row, as an Exstream error quoting the data would leave it
      await h.db.prisma.communicationEvent.create({ data: { storeId: store.id, communicationId: byType.get('shipping_notice')!.id, status: 'sending', source: 'retry', detail: `attempt 1 failed: 422 recipient <${EMAIL}> rejected; will retry` } });
      // AND a webhook the mapper rejected (kept raw) for another order of the customer, with an error text quoting the address
      const rejected = named(shopifyOrder(3300000000003, { email: EMAIL }), FIRST, LAST) as Record<string, unknown>;
      rejected.line_items = 'not a list';
      await expect(h.engine.accept({ platform: 'shopify', storeKey: 'redact.myshopify.com', eventId: 'rej-1', topic: 'orders/create', payload: rejected, recordRejected: true })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await h.db.prisma.inboundEvent.updateMany({ where: { storeId: store.id, eventId: 'rej-1' }, data: { lastError: `line_items: expected a list (customer ${EMAIL})` } });
      // AND a Magento store of the same merchant holding a rejected envelope of the customer
      const magento = await h.engine.stores.registerMagentoStore({ storeKey: 'redact-magento', signingSecret: 'shared-secret-of-the-module', name: 'Nordique' });
      const envelopeText = await readFile(new URL('01-order-placed.json', ENVELOPES), 'utf8');
      const envelope = JSON.parse(envelopeText.replaceAll('elodie.tremblay@example.ca', EMAIL.toUpperCase()).replaceAll('Élodie', FIRST).replaceAll('Tremblay', LAST)) as { id: string; event: string; entity: Record<string, unknown> };
      envelope.entity.items = 'broken';
      await expect(h.engine.accept({ platform: 'magento', storeKey: 'redact-magento', eventId: envelope.id, topic: envelope.event, payload: envelope, recordRejected: true })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });

      const before = await dumpDatabase();
      for (const trace of [SUBJECT, new RegExp(FIRST), new RegExp(LAST)]) expect(before).toMatch(trace);
      const statusesBefore = (await h.db.prisma.communication.findMany({ where: { storeId: store.id }, orderBy: { id: 'asc' } })).map((r) => r.status);

      // WHEN the customer is redacted in both stores (the address given in yet another case)
      const result = await h.engine.compliance.redactCustomer(store, { customerRef: '9001', email: 'erase.me@example.com' });
      expect(result.communications).toBe(LIFECYCLE_DOCUMENTS.length + 1);
      await h.engine.compliance.redactCustomer(magento, { email: 'ERASE.ME@EXAMPLE.COM' });

      // THEN nothing in the database names them: no address, no name
      const after = await dumpDatabase();
      expect(after).not.toMatch(SUBJECT);
      expect(after).not.toContain(FIRST);
      expect(after).not.toContain(LAST);
      // AND the neighbour is untouched
      expect(after).toContain('noterase.me@example.com');
      expect(after).toContain('Keeper');
      // AND ids, hashes, statuses and counts stay
      const rows = await h.db.prisma.communication.findMany({ where: { storeId: store.id }, orderBy: { id: 'asc' } });
      expect(rows.map((r) => r.status)).toEqual(statusesBefore);
      const redacted = rows.filter((r) => r.redactedAt);
      expect(redacted).toHaveLength(LIFECYCLE_DOCUMENTS.length + 1);
      expect(redacted.every((r) => r.dataSha256 && r.recipientHash)).toBe(true);
      expect(redacted.find((r) => r.documentType === 'invoice')?.lastError).toBe('redacted');
      for (const row of redacted) expect(await h.engine.documents.open(store, row.id)).toBeNull();
      expect(await h.db.prisma.customerPreference.count({ where: { storeId: store.id, customerRef: '9001' } })).toBe(0);
    });

    it('erasing a store leaves nothing of it (rows, jobs, documents) and leaves other stores as they were', async () => {
      const doomed = await shop('erase-me.myshopify.com');
      const kept = await shop('erase-keep.myshopify.com');
      // GIVEN a store with communications, timelines, inbound events, preferences, consent log, documents and jobs
      await h.engine.accept({ platform: 'shopify', storeKey: 'erase-me.myshopify.com', eventId: 'em-1', topic: 'orders/create', payload: shopifyOrder(3900000000001, { customerId: 3901 }) });
      await h.engine.accept({ platform: 'shopify', storeKey: 'erase-keep.myshopify.com', eventId: 'ek-1', topic: 'orders/create', payload: shopifyOrder(3900000000002, { customerId: 3902 }) });
      const [doomedRow] = await sentRows(doomed.id, '3900000000001', 1);
      const [keptRow] = await sentRows(kept.id, '3900000000002', 1);
      expect(await callback([{ idempotencyKey: doomedRow!.idempotencyKey, jobId: null, outcome: 'bounced', channel: 'email', at: new Date().toISOString(), detail: 'bounced' }])).toEqual({ applied: 1 });
      // Sent, so no delivery of the store is in flight when it is erased.
      await eventually(async () => ((await h.db.prisma.communication.count({ where: { storeId: doomed.id, channel: 'print', status: 'sent' } })) === 1 ? true : null), {
        timeoutMs: 60_000,
        what: 'the fallback row to be sent',
      });
      expect(await h.db.prisma.customerPreference.count({ where: { storeId: doomed.id } })).toBe(1);
      expect(await h.db.prisma.consentEvent.count({ where: { storeId: doomed.id } })).toBe(1);
      expect(existsSync(path.join(h.documentsDir, doomed.id))).toBe(true);
      const countsOf = async (storeId: string) => {
        const tables = await h.db.prisma.$queryRawUnsafe<Array<{ name: string }>>(
          `SELECT DISTINCT table_name::text AS name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'storeId' ORDER BY 1`,
        );
        const counts: Record<string, number> = {};
        for (const { name } of tables) {
          counts[name] = (await h.db.prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${name}" WHERE "storeId"::text = $1`, storeId))[0]!.n;
        }
        counts.Store = await h.db.prisma.store.count({ where: { id: storeId } });
        counts.jobs = (await h.db.prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'storeId' = $1`, storeId))[0]!.n;
        return counts;
      };
      const keptBefore = await countsOf(kept.id);
      const doomedBefore = await countsOf(doomed.id);
      expect(doomedBefore).toMatchObject({ Store: 1, Communication: 2, InboundEvent: 1, CustomerPreference: 1, ConsentEvent: 1 });
      expect(doomedBefore.jobs).toBeGreaterThan(0);

      // WHEN the store is erased
      await h.engine.compliance.eraseStore(doomed);

      // THEN every table holds nothing of it, its queue jobs and its documents are gone
      const doomedAfter = await countsOf(doomed.id);
      expect(Object.values(doomedAfter).every((n) => n === 0)).toBe(true);
      expect(existsSync(path.join(h.documentsDir, doomed.id))).toBe(false);
      // AND the other store is exactly as it was
      expect(await countsOf(kept.id)).toEqual(keptBefore);
      expect((await h.engine.documents.open(kept, keptRow!.id))?.body.subarray(0, 5).toString()).toBe('%PDF-');
    });

    it('a hash-only archive keeps the SHA-256 and a pointer, not the document data, and can still resend', async () => {
      // GIVEN a store whose archive keeps hashes only
      const store = await shop('hash-only.myshopify.com', { archive: { storeDocumentData: false } });
      await h.engine.accept({ platform: 'shopify', storeKey: 'hash-only.myshopify.com', eventId: 'ho-1', topic: 'orders/create', payload: shopifyOrder(3800000000001) });
      // WHEN its document is sent
      const [row] = await sentRows(store.id, '3800000000001', 1);
      // THEN the row holds no document data, only the hash of the exact bytes sent and the pointers
      expect(row!.documentData).toBeNull();
      const request = h.sandbox.requests().find((r) => r.idempotencyKey === row!.idempotencyKey && r.path.includes('/inputs/'))!;
      expect(row!.dataSha256).toBe(createHash('sha256').update(JSON.stringify(request.body)).digest('hex'));
      expect(row!.documentRef).toMatch(/^pdf:sha256:/);
      expect((await h.engine.documents.open(store, row!.id))?.body.subarray(0, 5).toString()).toBe('%PDF-');
      const lines: string[] = [];
      for await (const line of h.engine.compliance.exportArchive(store, { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) })) lines.push(line);
      const record = JSON.parse(lines[0]!) as Record<string, unknown>;
      expect(record).not.toHaveProperty('documentData');
      expect(record).toMatchObject({ dataSha256: row!.dataSha256, documentRef: row!.documentRef, documentPath: row!.documentPath });
      // AND a resend rebuilds the data from the stored event, sends it, and drops it again
      const { communicationId } = await h.engine.resend(store, row!.id);
      const copy = await eventually(async () => {
        const r = await h.db.prisma.communication.findUniqueOrThrow({ where: { id: communicationId } });
        return r.status === 'sent' || r.status === 'failed' ? r : null;
      }, { timeoutMs: 60_000, what: 'the resend' });
      expect(copy).toMatchObject({ status: 'sent', documentData: null, resendOfId: row!.id });
      const resent = h.sandbox.requests().find((r) => r.idempotencyKey === copy.idempotencyKey && r.path.includes('/inputs/'))!;
      expect((resent.body as { meta: { communicationId: string } }).meta.communicationId).toBe(communicationId);

      // GIVEN a store that kept data WHEN it switches to hash-only THEN what it sent before is dropped too
      const switching = await shop('hash-later.myshopify.com');
      await h.engine.accept({ platform: 'shopify', storeKey: 'hash-later.myshopify.com', eventId: 'hl-1', topic: 'orders/create', payload: shopifyOrder(3800000000002) });
      const [kept] = await sentRows(switching.id, '3800000000002', 1);
      expect(kept!.documentData).not.toBeNull();
      await h.engine.settings.update(switching, { archive: { storeDocumentData: false } });
      expect((await h.db.prisma.communication.findUniqueOrThrow({ where: { id: kept!.id } })).documentData).toBeNull();
    });
  });
}
