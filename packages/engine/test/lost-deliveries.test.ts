import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { signFeedback } from '@exstream-connect/exstream-sandbox';
import { QUEUES } from '../src/engine-context.ts';
import { eventually, FEEDBACK_SECRET, sandboxConnection, sandboxJobsFor, startHarness, type Harness } from './helpers/engine-harness.ts';
import { LIFECYCLE_RULES, shopifyOrder } from './helpers/shopify-fixtures.ts';

/**
 * Deliveries nothing works on any more (a lost job, a last attempt that died), the dead-letter
 * queue, re-triggering, job ids, re-validation before a send and store-scoped feedback.
 */
for (const target of testDatabaseTargets()) {
  describe(`lost deliveries and delivery records on ${target.name}`, () => {
    let h: Harness;
    /** Per test: what the hooks do to the next delivery. */
    let loseJobAfterCall = false;
    let failClaims = false;
    let gate: Promise<void> | null = null;
    beforeAll(async () => {
      h = await startHarness(target, {
        engine: {
          // The tests run the recovery themselves; no timer racing them.
          delivery: { retryLimit: 3, retryDelaySeconds: 1, retryDelayMaxSeconds: 2, sweepIntervalSeconds: 0 },
          hooks: {
            beforeClaim: () => {
              if (failClaims) throw new Error('simulated: claim failed (connection reset)');
            },
            afterExstreamCall: async (communicationId) => {
              if (gate) await gate;
              if (!loseJobAfterCall) return;
              loseJobAfterCall = false;
              // What a lost job leaves behind: Exstream produced the document, the row is `sending`,
              // and no job of the queue will ever run for it again.
              await h.db.sql.query(`DELETE FROM pgboss.job WHERE name = $1 AND data->>'communicationId' = $2`, [QUEUES.deliver, communicationId]);
              throw new Error('simulated: the worker lost its job after the Exstream call');
            },
          },
        },
      });
      await h.engine.startWorker();
    });
    afterAll(async () => {
      await h?.close();
    });

    async function shop(domain: string) {
      const store = await h.engine.stores.ensureShopifyShop(domain);
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules: LIFECYCLE_RULES });
      return store;
    }
    const row = (id: string) => h.db.prisma.communication.findUniqueOrThrow({ where: { id } });
    const liveJobs = async (communicationId: string) =>
      (await h.db.prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state < 'completed' AND data->>'communicationId' = $2`, QUEUES.deliver, communicationId))[0]!.n;
    const age = (id: string) => h.db.prisma.$executeRawUnsafe(`UPDATE "Communication" SET "updatedAt" = "updatedAt" - interval '1 hour' WHERE id = $1::uuid`, id);

    it('a sending row whose job was lost is re-enqueued by the sweeper, reconciled, and recorded without a second request', async () => {
      const store = await shop('lost-job.myshopify.com');
      // GIVEN Exstream produced the document, then the job vanished before the row was recorded
      loseJobAfterCall = true;
      await h.engine.accept({ platform: 'shopify', storeKey: 'lost-job.myshopify.com', eventId: 'lj-1', topic: 'orders/create', payload: shopifyOrder(3100000000001) });
      const stuck = await eventually(async () => {
        const [entry] = await h.engine.history.forOrder(store, '3100000000001');
        return entry?.status === 'sending' && entry.statusHistory.some((s) => s.source === 'retry') ? entry : null;
      }, { timeoutMs: 60_000, what: 'a sending row whose job is gone' });
      const key = (await row(stuck.id)).idempotencyKey;
      expect(await liveJobs(stuck.id)).toBe(0);
      expect(h.sandbox.receivedByIdempotencyKey()[key]).toBe(1);

      // WHEN the sweeper runs while the row is recent THEN it waits (a live delivery may be slow)
      expect((await h.engine.maintenance.recoverLostDeliveries()).requeued).toBe(0);
      // AND once the row has been idle past the bound, it is re-enqueued
      await age(stuck.id);
      expect(await h.engine.maintenance.recoverLostDeliveries()).toMatchObject({ requeued: 1, failed: 0 });

      // THEN the new job reconciles: the complete Exstream job is recorded, Exstream is not called again
      const sent = await eventually(async () => ((await h.engine.history.forOrder(store, '3100000000001'))[0]?.status === 'sent' ? row(stuck.id) : null), {
        timeoutMs: 60_000,
        what: 'the recovered row to be sent',
      });
      expect(h.sandbox.receivedByIdempotencyKey()[key]).toBe(1);
      expect(h.sandbox.countByIdempotencyKey()[key]).toBe(1);
      const [job] = await sandboxJobsFor(h.sandbox, key);
      expect(sent.exstreamJobId).toBe(job!.id);
      expect(sent.documentRef).toBe(`exstream-job:${job!.id}`);
      const sources = (await h.engine.history.forOrder(store, '3100000000001'))[0]!.statusHistory.map((s) => s.source);
      expect(sources).toEqual(expect.arrayContaining(['sweeper', 'reconcile']));
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id } })).toBe(1);
    });

    it('a job pg-boss dead-lettered after its last attempt fails its still-queued row, visibly, and retryFailed sends it once', async () => {
      const store = await shop('dead-letter.myshopify.com');
      // GIVEN every claim of the delivery throws (before the delivery's own error handling)
      failClaims = true;
      await h.engine.accept({ platform: 'shopify', storeKey: 'dead-letter.myshopify.com', eventId: 'dl-1', topic: 'orders/create', payload: shopifyOrder(3200000000001) });
      const [planned] = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '3200000000001');
        return t.length === 1 ? t : null;
      }, { what: 'the planned row' });
      // WHEN pg-boss gives up on the job (retryLimit 3: four attempts) and dead-letters it
      const [letter] = await eventually(
        async () => {
          const letters = await h.db.prisma.$queryRawUnsafe<Array<{ id: string; state: string }>>(
            `SELECT id::text AS id, state::text AS state FROM pgboss.job WHERE name = $1 AND data->>'communicationId' = $2`,
            QUEUES.deliverDead,
            planned!.id,
          );
          return letters.length > 0 ? letters : null;
        },
        { timeoutMs: 60_000, what: 'the dead letter' },
      );
      failClaims = false;
      expect((await row(planned!.id)).status).toBe('queued');
      expect(await liveJobs(planned!.id)).toBe(0);

      // THEN draining the dead-letter queue fails the row with what happened
      const report = await h.engine.maintenance.recoverLostDeliveries();
      expect(report.deadLettersFailed).toBe(1);
      const failed = await row(planned!.id);
      expect(failed.status).toBe('failed');
      expect(failed.lastError).toMatch(/^delivery job lost after 4 attempts \(simulated: claim failed/);
      const [drained] = await h.db.prisma.$queryRawUnsafe<Array<{ state: string }>>(`SELECT state::text AS state FROM pgboss.job WHERE id = $1::uuid`, letter!.id);
      expect(drained?.state).toBe('completed');
      // AND it is listed with the other failures
      expect((await h.engine.history.list(store, { status: 'failed' })).items.map((i) => i.id)).toEqual([planned!.id]);
      expect((await h.engine.history.stats(store)).lastErrors[0]).toMatchObject({ id: planned!.id, error: failed.lastError });
      expect(h.sandbox.receivedByIdempotencyKey()[failed.idempotencyKey]).toBeUndefined();

      // AND the merchant re-triggers it: one request, one document
      await h.engine.retryFailed(store, planned!.id);
      await eventually(async () => ((await row(planned!.id)).status === 'sent' ? true : null), { timeoutMs: 60_000, what: 'the retried row to be sent' });
      expect(h.sandbox.receivedByIdempotencyKey()[failed.idempotencyKey]).toBe(1);
      // A second drain finds nothing more to do.
      expect((await h.engine.maintenance.recoverLostDeliveries()).deadLettersFailed).toBe(0);
    });

    it('a stuck row whose attempts are used up is failed by the sweeper', async () => {
      const store = await shop('used-up.myshopify.com');
      loseJobAfterCall = true;
      await h.engine.accept({ platform: 'shopify', storeKey: 'used-up.myshopify.com', eventId: 'uu-1', topic: 'orders/create', payload: shopifyOrder(3300000000009) });
      const stuck = await eventually(async () => {
        const [entry] = await h.engine.history.forOrder(store, '3300000000009');
        return entry?.status === 'sending' && entry.statusHistory.some((s) => s.source === 'retry') ? entry : null;
      }, { timeoutMs: 60_000, what: 'a sending row whose job is gone' });
      // GIVEN the timeline shows every attempt of the budget already made (retryLimit 3 → 4)
      for (let i = 0; i < 3; i++) {
        await h.db.prisma.communicationEvent.create({ data: { storeId: store.id, communicationId: stuck.id, status: 'sending', source: 'reconcile', detail: 'an earlier attempt' } });
      }
      await age(stuck.id);
      // AND a statement row waiting for its batch job (no delivery job by design), idle as long
      const statement = await h.db.prisma.communication.create({
        data: { storeId: store.id, businessKey: 'statement|acct-1', documentType: 'account_statement', channel: 'email', status: 'sending', idempotencyKey: `stmt-row-${store.id}`, documentRef: 'batch:stmt-abc', documentData: {} },
      });
      await age(statement.id);
      // WHEN the sweeper runs THEN the row is failed, not re-sent, and the statement row is left to its batch
      expect(await h.engine.maintenance.recoverLostDeliveries()).toMatchObject({ requeued: 0, failed: 1 });
      const failed = await row(stuck.id);
      expect(failed).toMatchObject({ status: 'failed', lastError: 'delivery job lost after 4 attempts' });
      expect(await liveJobs(stuck.id)).toBe(0);
      expect((await row(statement.id)).status).toBe('sending');
      expect(await liveJobs(statement.id)).toBe(0);
    });

    it('retryFailed re-triggers a stuck row with no live job, and refuses one that is still being delivered', async () => {
      const store = await shop('stuck-retry.myshopify.com');
      // GIVEN a delivery held between the Exstream call and its record (its job is live)
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      await h.engine.accept({ platform: 'shopify', storeKey: 'stuck-retry.myshopify.com', eventId: 'sr-1', topic: 'orders/create', payload: shopifyOrder(3400000000001) });
      const held = await eventually(async () => {
        const [entry] = await h.engine.history.forOrder(store, '3400000000001');
        const key = entry ? (await row(entry.id)).idempotencyKey : null;
        return entry?.status === 'sending' && key && h.sandbox.receivedByIdempotencyKey()[key] === 1 ? entry : null;
      }, { timeoutMs: 60_000, what: 'a delivery in flight' });
      // THEN neither retryFailed nor resend may start a second one
      await expect(h.engine.retryFailed(store, held.id)).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(h.engine.resend(store, held.id)).rejects.toMatchObject({ code: 'CONFLICT' });
      gate = null;
      release();
      await eventually(async () => ((await row(held.id)).status === 'sent' ? true : null), { timeoutMs: 60_000, what: 'the held delivery to finish' });

      // GIVEN another order whose job is lost after the call
      loseJobAfterCall = true;
      await h.engine.accept({ platform: 'shopify', storeKey: 'stuck-retry.myshopify.com', eventId: 'sr-2', topic: 'orders/create', payload: shopifyOrder(3400000000002) });
      const stuck = await eventually(async () => {
        const [entry] = await h.engine.history.forOrder(store, '3400000000002');
        return entry?.status === 'sending' && entry.statusHistory.some((s) => s.source === 'retry') ? entry : null;
      }, { timeoutMs: 60_000, what: 'a sending row whose job is gone' });
      // WHEN the merchant re-triggers it (no need to wait for the sweeper)
      await h.engine.retryFailed(store, stuck.id);
      // THEN it is recorded from the Exstream job, without a second request
      const sent = await eventually(async () => {
        const r = await row(stuck.id);
        return r.status === 'sent' ? r : null;
      }, { timeoutMs: 60_000, what: 'the re-triggered row to be sent' });
      expect(h.sandbox.receivedByIdempotencyKey()[sent.idempotencyKey]).toBe(1);
      const history = (await h.engine.history.forOrder(store, '3400000000002'))[0]!.statusHistory;
      expect(history.map((s) => `${s.status}:${s.source}`)).toEqual(expect.arrayContaining(['queued:retry', 'sending:lookup', 'sent:exstream']));
    });

    it('records the Exstream job id of every on-demand send, and the archive carries it', async () => {
      const store = await shop('job-id.myshopify.com');
      await h.engine.accept({ platform: 'shopify', storeKey: 'job-id.myshopify.com', eventId: 'ji-1', topic: 'orders/create', payload: shopifyOrder(3500000000001) });
      const sent = await eventually(async () => {
        const r = await h.db.prisma.communication.findFirst({ where: { storeId: store.id, orderRef: '3500000000001' } });
        return r?.status === 'sent' && r.exstreamJobId ? r : null;
      }, { timeoutMs: 60_000, what: 'a sent row with its job id' });
      const jobs = await sandboxJobsFor(h.sandbox, sent.idempotencyKey);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ mode: 'ONDEMAND', status: 'complete', externalId: sent.idempotencyKey });
      expect(sent.exstreamJobId).toBe(jobs[0]!.id);
      // Looked up after the send: one on-demand request, the document recorded from it.
      expect(h.sandbox.receivedByIdempotencyKey()[sent.idempotencyKey]).toBe(1);
      expect(sent.documentRef).toMatch(/^pdf:sha256:/);
      const lines: string[] = [];
      for await (const line of h.engine.compliance.exportArchive(store, { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) })) lines.push(line);
      expect(lines.map((l) => (JSON.parse(l) as { exstreamJobId: string }).exstreamJobId)).toEqual([jobs[0]!.id]);
    });

    it('re-validates stored document data before every send: an invalid resend fails naming the field, without a call', async () => {
      const store = await shop('revalidate.myshopify.com');
      await h.engine.accept({ platform: 'shopify', storeKey: 'revalidate.myshopify.com', eventId: 'rv-1', topic: 'orders/create', payload: shopifyOrder(3600000000001) });
      const [original] = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '3600000000001');
        return t[0]?.status === 'sent' ? t : null;
      }, { timeoutMs: 60_000, what: 'the first send' });
      // GIVEN stored data that no longer meets the contract (resend copies it, rewriting only id, key and channel)
      await h.db.prisma.$executeRawUnsafe(`UPDATE "Communication" SET "documentData" = jsonb_set("documentData", '{meta,templateVersion}', '""'::jsonb) WHERE id = $1::uuid`, original!.id);
      const before = h.sandbox.requests().length;
      // WHEN it is resent
      const { communicationId } = await h.engine.resend(store, original!.id);
      // THEN the new attempt fails with the offending field, and Exstream is not called
      const failed = await eventually(async () => {
        const r = await row(communicationId);
        return r.status === 'failed' ? r : null;
      }, { timeoutMs: 60_000, what: 'the invalid resend to fail' });
      expect(failed.lastError).toContain('meta.templateVersion');
      expect(h.sandbox.receivedByIdempotencyKey()[failed.idempotencyKey]).toBeUndefined();
      expect(h.sandbox.requests().slice(before).filter((r) => r.path.includes('/inputs/'))).toEqual([]);
    });

    it("applies a delivery callback only inside the store its key names", async () => {
      const a = await shop('feedback-a.myshopify.com');
      const b = await shop('feedback-b.myshopify.com');
      await h.engine.accept({ platform: 'shopify', storeKey: 'feedback-a.myshopify.com', eventId: 'fa-1', topic: 'orders/create', payload: shopifyOrder(3700000000001) });
      const sent = await eventually(async () => {
        const r = await h.db.prisma.communication.findFirst({ where: { storeId: a.id } });
        return r?.status === 'sent' ? r : null;
      }, { timeoutMs: 60_000, what: 'a sent row in store A' });
      const hexOf = (id: string) => id.replace(/-/g, '');
      expect(sent.idempotencyKey.startsWith(`exc-${hexOf(a.id)}-`)).toBe(true);
      const post = async (idempotencyKey: string) => {
        const body = JSON.stringify({ events: [{ idempotencyKey, jobId: null, outcome: 'delivered', channel: 'email', at: new Date().toISOString(), detail: null }] });
        return h.engine.feedback.handleCallback(body, signFeedback(FEEDBACK_SECRET, body, Math.floor(Date.now() / 1000)));
      };
      // A key naming store B (same digest) and a key naming no store are not applied.
      expect(await post(sent.idempotencyKey.replace(hexOf(a.id), hexOf(b.id)))).toEqual({ applied: 0 });
      expect(await post(`exc-${sent.idempotencyKey.split('-').at(-1)}`)).toEqual({ applied: 0 });
      // The lookup is scoped to the store the key names: the same key on a row of store B is not A's.
      await h.db.prisma.$executeRawUnsafe(`UPDATE "Communication" SET "storeId" = $2::uuid WHERE id = $1::uuid`, sent.id, b.id);
      expect(await post(sent.idempotencyKey)).toEqual({ applied: 0 });
      await h.db.prisma.$executeRawUnsafe(`UPDATE "Communication" SET "storeId" = $2::uuid WHERE id = $1::uuid`, sent.id, a.id);
      expect((await row(sent.id)).status).toBe('sent');
      // The key as issued is.
      expect(await post(sent.idempotencyKey)).toEqual({ applied: 1 });
      expect((await row(sent.id)).status).toBe('delivered');
    });

    it('retryFailed of a row that failed after it was sent makes a new attempt (the same key would only find the same document)', async () => {
      const store = await shop('failed-later.myshopify.com');
      await h.engine.accept({ platform: 'shopify', storeKey: 'failed-later.myshopify.com', eventId: 'fl-1', topic: 'orders/create', payload: shopifyOrder(3800000000001) });
      const sent = await eventually(async () => {
        const r = await h.db.prisma.communication.findFirst({ where: { storeId: store.id } });
        return r?.status === 'sent' ? r : null;
      }, { timeoutMs: 60_000, what: 'a sent row' });
      const body = JSON.stringify({ events: [{ idempotencyKey: sent.idempotencyKey, jobId: null, outcome: 'failed', channel: 'email', at: new Date().toISOString(), detail: 'mailbox full' }] });
      expect(await h.engine.feedback.handleCallback(body, signFeedback(FEEDBACK_SECRET, body, Math.floor(Date.now() / 1000)))).toEqual({ applied: 1 });
      const { communicationId } = await h.engine.retryFailed(store, sent.id);
      expect(communicationId).not.toBe(sent.id);
      const copy = await eventually(async () => {
        const r = await row(communicationId);
        return r.status === 'sent' ? r : null;
      }, { timeoutMs: 60_000, what: 'the new attempt to be sent' });
      expect(copy).toMatchObject({ resendOfId: sent.id, attempt: 2 });
      expect(h.sandbox.receivedByIdempotencyKey()[copy.idempotencyKey]).toBe(1);
      expect((await row(sent.id)).status).toBe('failed');
    });
  });
}
