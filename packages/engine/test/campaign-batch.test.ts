import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { createEngine, type StoreInfo } from '../src/index.ts';
import { eventually, sandboxBatchRecords, sandboxConnection, sandboxJobsFor, seededShuffle, startHarness, type Harness } from './helpers/engine-harness.ts';
import { CAMPAIGN_RULES, shopifyAbandonedCheckout, shopifyOrder } from './helpers/shopify-fixtures.ts';

type Row = {
  id: string;
  status: string;
  documentType: string;
  documentRef: string | null;
  exstreamJobId: string | null;
  idempotencyKey: string;
  dataSha256: string | null;
  lastError: string | null;
  events: Array<{ status: string; source: string; detail: unknown }>;
};

const batchKeyOf = (row: Pick<Row, 'documentRef'>) => row.documentRef!.slice('batch:'.length);

for (const target of testDatabaseTargets()) {
  describe(`campaign reminders in batches on ${target.name}`, () => {
    let h: Harness;
    let n = 0;
    /** A failure the next flush hits right after its submit (the worker "dies" before recording the job). */
    let crashAfterSubmit = false;

    const rowsOf = (store: StoreInfo, documentType = 'abandoned_cart_reminder') =>
      h.db.prisma.communication.findMany({ where: { storeId: store.id, documentType }, include: { events: { orderBy: { seq: 'asc' } } }, orderBy: { createdAt: 'asc' } }) as Promise<Row[]>;
    const settled = (store: StoreInfo, count: number, status = 'sent') =>
      eventually(
        async () => {
          const rows = await rowsOf(store);
          return rows.length === count && rows.every((r) => r.status === status) ? rows : null;
        },
        { what: `${count} reminder(s) ${status}`, timeoutMs: 30_000 },
      );
    // A 3 s window: every reminder a test sends lands in one window even on a loaded CI machine.
    const newShop = async (campaigns: { batch?: boolean; windowSeconds?: number } = { batch: true, windowSeconds: 3 }) => {
      const domain = `campaign-${++n}.myshopify.com`;
      const store = await h.engine.stores.ensureShopifyShop(domain);
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(h.sandbox), serviceNames: { campaigns: 'campaign-reminders' } }, rules: CAMPAIGN_RULES, campaigns });
      return { store, domain };
    };
    const abandon = (domain: string, checkoutId: number) =>
      h.engine.accept({ platform: 'shopify', storeKey: domain, eventId: `checkout-${checkoutId}`, topic: 'checkouts/update', payload: shopifyAbandonedCheckout(checkoutId) });
    /** A failed flush is retried by pg-boss after its backoff (10 s and more): the test makes it due now. */
    const retryFlushesNow = async () => {
      await h.db.sql.query(`UPDATE pgboss.job SET start_after = now() WHERE name = 'engine-campaign-flush' AND state = 'retry'`);
    };

    beforeAll(async () => {
      h = await startHarness(target, {
        engine: {
          batchPolling: { intervalMs: 100, timeoutMs: 20_000 },
          hooks: {
            afterBatchSubmit: () => {
              if (!crashAfterSubmit) return;
              crashAfterSubmit = false;
              throw new Error('worker died between the batch submit and its record');
            },
          },
        },
        sandbox: { batch: { startAfterMs: 20, completeAfterMs: 200 } },
      });
      await h.engine.startWorker();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('sends the reminders of a window as ONE batch job, each row with the hash of its record; other documents stay on demand', async () => {
      // GIVEN a shop that batches its campaign reminders in 3 s windows
      const { store, domain } = await newShop();
      // WHEN five checkouts are abandoned and an order is placed within the window
      for (let i = 1; i <= 5; i++) expect((await abandon(domain, 700_000 + i)).status).toBe('accepted');
      await h.engine.accept({ platform: 'shopify', storeKey: domain, eventId: 'order-1', topic: 'orders/create', payload: shopifyOrder(5509000000001) });

      // THEN the five reminders end sent, all by the same Exstream batch job
      const rows = await settled(store, 5);
      const jobIds = new Set(rows.map((r) => r.exstreamJobId));
      expect(jobIds.size).toBe(1);
      const [jobId] = [...jobIds];
      expect(jobId).toBeTruthy();
      expect(new Set(rows.map((r) => r.documentRef)).size).toBe(1);
      expect(rows[0]!.documentRef).toMatch(/^batch:camp-[0-9a-f]{32}$/);
      for (const row of rows) {
        expect(row.events.map((e) => e.status)).toEqual(['queued', 'sending', 'sent']);
        expect(String(row.events[0]!.detail)).toContain('waits for the campaign batch (window 3 s)');
        // No on-demand call was made for a reminder.
        expect(h.sandbox.receivedByIdempotencyKey()[row.idempotencyKey]).toBeUndefined();
      }
      // ONE submit for the batch key; Exstream's job carries the five records, each the very bytes hashed on its row
      const key = batchKeyOf(rows[0]!);
      expect(h.sandbox.receivedByIdempotencyKey()[key]).toBe(1);
      const jobs = await sandboxJobsFor(h.sandbox, key);
      expect(jobs.map((j) => [j.id, j.status])).toEqual([[jobId, 'complete']]);
      const records = await sandboxBatchRecords(h.sandbox, jobId!);
      expect(records.map((r) => [r.communicationId, r.sha256]).sort()).toEqual(rows.map((r) => [r.id, r.dataSha256]).sort());

      // AND the order confirmation went on demand, as before
      const [confirmation] = await eventually(async () => {
        const found = await rowsOf(store, 'order_confirmation');
        return found.length === 1 && found[0]!.status === 'sent' ? found : null;
      });
      expect(h.sandbox.receivedByIdempotencyKey()[confirmation!.idempotencyKey]).toBe(1);
      expect(confirmation!.documentRef).toMatch(/^pdf:sha256:/);
    });

    it('reminders delivered three times in shuffled order are batched once; a later window gets its own batch', async () => {
      const { store, domain } = await newShop();
      const ids = [710_001, 710_002, 710_003, 710_004];
      const deliveries = seededShuffle([...ids, ...ids, ...ids], 7);
      const statuses = [];
      for (const id of deliveries) statuses.push((await abandon(domain, id)).status);
      expect(statuses.filter((s) => s === 'accepted')).toHaveLength(4);
      const first = await settled(store, 4);
      const firstJob = first[0]!.exstreamJobId!;
      expect(first.every((r) => r.exstreamJobId === firstJob)).toBe(true);
      expect(await sandboxBatchRecords(h.sandbox, firstJob)).toHaveLength(4);

      // WHEN two more are abandoned after that batch left
      await abandon(domain, 710_005);
      await abandon(domain, 710_006);
      const all = await settled(store, 6);
      const later = all.filter((r) => r.exstreamJobId !== firstJob);
      // THEN they go in a second batch of their own; the first one's rows are untouched
      expect(later).toHaveLength(2);
      expect(new Set(later.map((r) => r.exstreamJobId)).size).toBe(1);
      expect(await sandboxBatchRecords(h.sandbox, later[0]!.exstreamJobId!)).toHaveLength(2);
      expect(all.filter((r) => r.exstreamJobId === firstJob)).toHaveLength(4);
    });

    it('a flush that dies between the submit and the record is reconciled: the retry adopts the job and submits nothing again', async () => {
      const { store, domain } = await newShop();
      crashAfterSubmit = true;
      for (let i = 1; i <= 3; i++) await abandon(domain, 720_000 + i);
      // THEN after the crash the rows are claimed (sending) with no job id, and Exstream has the batch
      const claimed = await eventually(async () => {
        const rows = await rowsOf(store);
        return rows.length === 3 && rows.every((r) => r.status === 'sending') && !crashAfterSubmit ? rows : null;
      });
      expect(claimed.every((r) => r.exstreamJobId === null)).toBe(true);
      const key = batchKeyOf(claimed[0]!);
      await eventually(async () => ((await sandboxJobsFor(h.sandbox, key)).length === 1 ? true : null));
      // WHEN pg-boss retries the flush
      await eventually(async () => {
        await retryFlushesNow();
        const rows = await rowsOf(store);
        return rows.every((r) => r.status === 'sent') ? rows : null;
      });
      // THEN the job found by its batch key was recorded: one submit, one job, three records
      const rows = await rowsOf(store);
      const [job] = await sandboxJobsFor(h.sandbox, key);
      expect(rows.every((r) => r.exstreamJobId === job!.id && r.documentRef === `batch:${key}`)).toBe(true);
      expect(h.sandbox.receivedByIdempotencyKey()[key]).toBe(1);
      expect(await sandboxBatchRecords(h.sandbox, job!.id)).toHaveLength(3);
    });

    it('a batch job that ends in error fails its reminders with the job message; retryFailed sends one on demand', async () => {
      const { store, domain } = await newShop();
      h.sandbox.faults.failNextBatchJob('template campaign-reminders is not published');
      await abandon(domain, 730_001);
      await abandon(domain, 730_002);
      const failed = await settled(store, 2, 'failed');
      for (const row of failed) expect(row.lastError).toBe(`batch job ${row.exstreamJobId} ended error: template campaign-reminders is not published`);
      // WHEN the merchant re-triggers one
      await h.engine.retryFailed(store, failed[0]!.id);
      const [retried] = await eventually(async () => {
        const rows = await rowsOf(store);
        const row = rows.find((r) => r.id === failed[0]!.id);
        return row?.status === 'sent' ? [row] : null;
      });
      // THEN it is sent on its own, once, with its own key; the other stays failed
      expect(h.sandbox.receivedByIdempotencyKey()[retried!.idempotencyKey]).toBe(1);
      expect((await rowsOf(store)).find((r) => r.id === failed[1]!.id)?.status).toBe('failed');
    });

    it('refuses turning batching on without a batch service; reminders waiting when the service goes are sent on demand', async () => {
      const store = await h.engine.stores.ensureShopifyShop('campaign-no-service.myshopify.com');
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules: CAMPAIGN_RULES });
      // THEN enabling batching without a service is refused, naming the field
      await expect(h.engine.settings.update(store, { campaigns: { batch: true } })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [{ path: 'campaigns.batch', message: expect.stringContaining('batch service') }],
      });
      await expect(h.engine.settings.update(store, { campaigns: { windowSeconds: 0 } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      // GIVEN batching on with a service and a long window, and one reminder waiting
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(h.sandbox), serviceNames: { batch: 'bulk' } }, campaigns: { batch: true, windowSeconds: 3 } });
      await abandon('campaign-no-service.myshopify.com', 740_001);
      await eventually(async () => ((await rowsOf(store)).length === 1 ? true : null));
      // WHEN the connection is saved without the service before the window ends (accepted: only turning batching on is checked)
      const view = await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox) });
      expect(view.campaigns.batch).toBe(true);
      expect(view.connection?.serviceNames).toEqual({});
      // THEN the flush hands the reminder to on-demand delivery, saying why
      const [row] = await settled(store, 1);
      expect(row!.events.map((e) => e.status)).toEqual(['queued', 'queued', 'sending', 'sent']);
      expect(String(row!.events[1]!.detail)).toContain('no batch service');
      expect(h.sandbox.receivedByIdempotencyKey()[row!.idempotencyKey]).toBe(1);
      expect(row!.exstreamJobId === null || !row!.documentRef?.startsWith('batch:')).toBe(true);
    });

    it('rows a flush claimed but never submitted, whose flush job is gone, are failed by the sweeper; retryFailed sends one on demand', async () => {
      const { store, domain } = await newShop();
      // GIVEN Exstream refusing every call (so no other caller can use up a one-off fault): the flush
      // claims both reminders of its window, its upload fails, and it waits for its retry
      h.sandbox.faults.setFailRate(1, 503);
      await abandon(domain, 760_001);
      await abandon(domain, 760_002);
      const claimed = await eventually(async () => {
        const rows = await rowsOf(store);
        const retrying = await h.db.sql.query<{ state: string }>(`SELECT state FROM pgboss.job WHERE name = 'engine-campaign-flush' AND singleton_key = $1 AND state = 'retry'`, [store.id]);
        return rows.length === 2 && rows.every((r) => r.status === 'sending' && r.exstreamJobId === null) && retrying.length === 1 ? rows : null;
      });
      // AND that flush job lost (deleted) before its retry, and Exstream answering again
      await h.db.sql.query(`DELETE FROM pgboss.job WHERE name = 'engine-campaign-flush' AND singleton_key = $1`, [store.id]);
      h.sandbox.faults.reset();
      // WHEN the sweeper of an engine that counts rows idle after 0 s runs
      const sweeper = await createEngine({ db: h.db, secretBox: h.secretBox, delivery: { stuckAfterSeconds: 0, sweepIntervalSeconds: 0 } });
      try {
        expect((await sweeper.maintenance.recoverLostDeliveries()).campaignRowsAbandoned).toBe(2);
      } finally {
        await sweeper.stop();
      }
      // THEN both are failed, saying why, never submitted
      const failed = await rowsOf(store);
      expect(failed.map((r) => [r.status, r.lastError])).toEqual(claimed.map(() => ['failed', 'campaign batch lost: its flush job ended without submitting it']));
      expect(await sandboxJobsFor(h.sandbox, batchKeyOf(claimed[0]!))).toEqual([]);
      // AND retryFailed sends one on demand, off the batch marker
      await h.engine.retryFailed(store, failed[0]!.id);
      const sent = await eventually(async () => {
        const row = (await rowsOf(store)).find((r) => r.id === failed[0]!.id);
        return row?.status === 'sent' ? row : null;
      });
      expect(sent.documentRef).toMatch(/^pdf:sha256:/);
      expect(h.sandbox.receivedByIdempotencyKey()[sent.idempotencyKey]).toBe(1);
    });

    it('a reminder whose flush job was lost is flushed by the sweeper; one redacted before its batch left fails, naming why', async () => {
      const { store, domain } = await newShop({ batch: true, windowSeconds: 3600 });
      await abandon(domain, 750_001);
      await abandon(domain, 750_002);
      await eventually(async () => ((await rowsOf(store)).length === 2 ? true : null));
      // GIVEN the flush job lost (deleted from pg-boss), and one shopper's data erased meanwhile
      await h.db.sql.query(`DELETE FROM pgboss.job WHERE name = 'engine-campaign-flush' AND singleton_key = $1`, [store.id]);
      await h.engine.compliance.redactCustomer(store, { email: 'shopper-750002@example.com' });
      // WHEN the sweeper of an engine that counts rows idle after 0 s runs
      const sweeper = await createEngine({ db: h.db, secretBox: h.secretBox, delivery: { stuckAfterSeconds: 0, sweepIntervalSeconds: 0 } });
      try {
        const report = await sweeper.maintenance.recoverLostDeliveries();
        expect(report.campaignFlushesRequeued).toBe(1);
      } finally {
        await sweeper.stop();
      }
      // THEN the worker flushes the waiting reminder; the redacted one is failed, never sent
      const rows = await eventually(async () => {
        const found = await rowsOf(store);
        return found.every((r) => r.status === 'sent' || r.status === 'failed') ? found : null;
      });
      const sent = rows.filter((r) => r.status === 'sent');
      const failed = rows.filter((r) => r.status === 'failed');
      expect(sent).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.lastError).toBe('no document data to send (redacted before its campaign batch left)');
      expect(await sandboxBatchRecords(h.sandbox, sent[0]!.exstreamJobId!)).toHaveLength(1);
    });
  });
}
