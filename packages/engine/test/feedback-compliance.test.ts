import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError } from '@exstream-connect/core';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { signFeedback } from '@exstream-connect/exstream-sandbox';
import { eventually, FEEDBACK_SECRET, sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';
import { LIFECYCLE_RULES, lifecycle, shopifyOrder } from './helpers/shopify-fixtures.ts';

/** With delivery feedback on, a sent document moves on to delivered / opened within milliseconds. */
const SENT_OR_LATER = ['sent', 'delivered', 'opened'];

for (const target of testDatabaseTargets()) {
  describe(`feedback, compliance and scoping on ${target.name}`, () => {
    let h: Harness;
    const written: Array<{ kind: string; storeKey: string; orderRef?: string | null; consent?: unknown }> = [];
    beforeAll(async () => {
      h = await startHarness(target, {
        feedback: true,
        engine: { writeBack: { shopify: { apply: async (job) => void written.push(job) } } },
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

    it('a bounce marks the email channel bounced and falls back to print', async () => {
      const store = await shop('bounce.myshopify.com');
      // GIVEN an order whose email address bounces
      await h.engine.accept({ platform: 'shopify', storeKey: 'bounce.myshopify.com', eventId: 'b-1', topic: 'orders/create', payload: shopifyOrder(4400000000001, { email: 'jane+bounce@example.com', customerId: 4401 }) });
      // THEN the email is bounced, a print copy is sent, and the preference says bounced
      const timeline = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '4400000000001');
        const email = t.find((e) => e.channel === 'email');
        const print = t.find((e) => e.channel === 'print');
        return email?.status === 'bounced' && print && ['sent', 'delivered'].includes(print.status) ? t : null;
      }, { timeoutMs: 30_000, what: 'bounce and print fallback' });
      const email = timeline.find((e) => e.channel === 'email')!;
      const print = timeline.find((e) => e.channel === 'print')!;
      expect(print.resendOfId).toBe(email.id);
      expect(timeline).toHaveLength(2);
      const pref = await h.db.prisma.customerPreference.findFirst({ where: { storeId: store.id, customerRef: '4401', channel: 'email' } });
      expect(pref?.state).toBe('bounced');
      // The Magento-style feed carries both the status changes and the consent change (once every
      // older writing transaction on the server has ended: it may trail a moment).
      const feed = await eventually(async () => {
        const page = await h.engine.feedback.since(store, undefined, 100);
        const consent = page.items.some((i) => i.type === 'consent_changed' && i.state === 'bounced' && i.channel === 'email');
        return consent && page.items.some((i) => i.type === 'communication_status' && i.status === 'bounced') ? page : null;
      }, { what: 'the bounce and the consent change in the feed' });
      // Served only to the store itself: the customer's id and full address, so the store can find them.
      expect(feed.items.find((i) => i.type === 'consent_changed')).toMatchObject({ customerId: 4401, email: 'jane+bounce@example.com', state: 'bounced' });
      const again = await h.engine.feedback.since(store, feed.nextCursor, 100);
      expect(again.items.every((i) => !feed.items.some((f) => f.cursor === i.cursor))).toBe(true);
      expect(written.some((w) => w.kind === 'order_summary' && w.orderRef === '4400000000001')).toBe(true);
    });

    it('an opt-out updates the preference and writes the consent back', async () => {
      const store = await shop('optout.myshopify.com');
      await h.engine.accept({ platform: 'shopify', storeKey: 'optout.myshopify.com', eventId: 'oo-1', topic: 'orders/create', payload: shopifyOrder(4500000000001, { email: 'max+optout@example.com', customerId: 4501 }) });
      await eventually(async () => (await h.db.prisma.customerPreference.findFirst({ where: { storeId: store.id, customerRef: '4501', state: 'opted_out' } })) ?? null, { timeoutMs: 20_000, what: 'opt-out preference' });
      await eventually(async () => written.find((w) => w.kind === 'customer_consent' && w.storeKey === 'optout.myshopify.com') ?? null, { what: 'consent write-back' });
    });

    it('a delivery receipt arriving after the open is kept in the history once, without moving the status back', async () => {
      const store = await shop('late-receipt.myshopify.com');
      await h.engine.accept({ platform: 'shopify', storeKey: 'late-receipt.myshopify.com', eventId: 'lr-1', topic: 'orders/create', payload: shopifyOrder(4600000000001, { email: 'late@example.com', customerId: 4601 }) });
      // Opened, and its own receipt recorded (a receipt that overtook `sent` is parked and lands later).
      const opened = await eventually(
        async () => (await h.engine.history.forOrder(store, '4600000000001')).find((e) => e.status === 'opened' && e.statusHistory.some((s) => s.status === 'delivered')) ?? null,
        { timeoutMs: 30_000, what: 'an opened communication with its receipt' },
      );
      // GIVEN the receipt was never recorded (it overtook nothing: it simply comes late)
      await h.db.prisma.communicationEvent.deleteMany({ where: { storeId: store.id, communicationId: opened.id, status: 'delivered' } });
      const row = await h.db.prisma.communication.findFirstOrThrow({ where: { storeId: store.id, id: opened.id } });
      const body = JSON.stringify({ events: [{ idempotencyKey: row.idempotencyKey, jobId: null, outcome: 'delivered', channel: 'email', at: new Date().toISOString(), detail: null }] });
      const now = Math.floor(Date.now() / 1000);
      // WHEN it arrives (twice)
      expect(await h.engine.feedback.handleCallback(body, signFeedback(FEEDBACK_SECRET, body, now))).toEqual({ applied: 1 });
      expect(await h.engine.feedback.handleCallback(body, signFeedback(FEEDBACK_SECRET, body, now))).toEqual({ applied: 0 });
      // THEN the status stays opened and the history shows the receipt once
      const after = (await h.engine.history.forOrder(store, '4600000000001')).find((e) => e.id === opened.id)!;
      expect(after.status).toBe('opened');
      expect(after.statusHistory.filter((s) => s.status === 'delivered')).toHaveLength(1);
    });

    // Only Postgres runs transactions side by side; PGlite has one connection, so commit order is insert order there.
    if (target.name === 'postgres') {
      it('the feed never skips a status whose transaction commits after a later one', async () => {
        const store = await shop('feed-order.myshopify.com');
        await h.engine.accept({ platform: 'shopify', storeKey: 'feed-order.myshopify.com', eventId: 'fo-1', topic: 'orders/create', payload: shopifyOrder(4700000000001, { email: 'feed@example.com', customerId: 4701 }) });
        const [comm] = await eventually(async () => {
          const t = await h.engine.history.forOrder(store, '4700000000001');
          return t.length === 1 && t[0]!.status === 'opened' ? t : null;
        }, { timeoutMs: 30_000, what: 'an opened communication' });
        const start = await h.engine.feedback.since(store, undefined, 500);
        const insert = `INSERT INTO "CommunicationEvent" ("storeId", "communicationId", status, source, detail, at) VALUES ($1::uuid, $2::uuid, 'opened', 'test', to_jsonb($3::text), now())`;
        const ours = (items: Array<{ detail: string | null }>) => items.map((i) => i.detail).filter((d) => d === 'slow' || d === 'fast');

        // GIVEN a transaction that wrote a status (the lower seq) and has not committed yet
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let written!: () => void;
        const slowWrote = new Promise<void>((resolve) => (written = resolve));
        const slow = h.db.prisma.$transaction(async (tx) => {
          await tx.$executeRawUnsafe(insert, store.id, comm!.id, 'slow');
          written();
          await gate;
        }, { timeout: 30_000 });
        await slowWrote;
        // AND a later status (the higher seq) that commits first
        await h.db.prisma.$executeRawUnsafe(insert, store.id, comm!.id, 'fast');

        // WHEN the module reads the feed meanwhile THEN neither is handed out yet
        const during = await h.engine.feedback.since(store, start.nextCursor, 500);
        expect(ours(during.items)).toEqual([]);
        // AND once the older transaction commits, both come, in commit order, from the same cursor
        release();
        await slow;
        // (The horizon is the server's: a transaction of another test on the same Postgres may hold
        // it back a moment longer, so the same cursor is read until both are past it.)
        const after = await eventually(
          async () => {
            const page = await h.engine.feedback.since(store, during.nextCursor, 500);
            return ours(page.items).length >= 2 ? page : null;
          },
          { timeoutMs: 15_000, what: 'both statuses past the feed horizon' },
        );
        expect(ours(after.items)).toEqual(['slow', 'fast']);
      });
    }

    it('refuses a callback with a bad, missing or stale signature', async () => {
      const body = JSON.stringify({ events: [] });
      const now = Math.floor(Date.now() / 1000);
      await expect(h.engine.feedback.handleCallback(body, undefined)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(h.engine.feedback.handleCallback(body, signFeedback('wrong', body, now))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(h.engine.feedback.handleCallback(body, signFeedback(FEEDBACK_SECRET, body, now - 301))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      await expect(h.engine.feedback.handleCallback(body + ' ', signFeedback(FEEDBACK_SECRET, body, now))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await h.engine.feedback.handleCallback(body, signFeedback(FEEDBACK_SECRET, body, now))).toEqual({ applied: 0 });
    });

    it('redaction leaves no personal data in history, documents or inbound events', async () => {
      const store = await shop('redact.myshopify.com');
      for (const step of lifecycle(3300000000001, { email: 'erase.me@example.com' })) {
        await h.engine.accept({ platform: 'shopify', storeKey: 'redact.myshopify.com', ...step });
      }
      // Wait for the final outcome of each communication, not for the sandbox to go idle: an outcome
      // that overtook our own `sent` record is parked on the queue and applied later.
      await eventually(async () => {
        const rows = await h.db.prisma.communication.findMany({ where: { storeId: store.id }, select: { status: true, channel: true } });
        return rows.length === 5 && rows.every((r) => r.status === (r.channel === 'email' ? 'opened' : 'delivered')) ? rows : null;
      }, { timeoutMs: 30_000, what: 'final delivery outcome of the lifecycle' });
      await h.sandbox.feedbackIdle();
      const before = await h.db.prisma.communication.findMany({ where: { storeId: store.id } });
      expect(JSON.stringify(before)).toContain('erase.me@example.com');

      const result = await h.engine.compliance.redactCustomer(store, { customerRef: '9001', email: 'erase.me@example.com' });
      expect(result.communications).toBe(5);

      const dump = JSON.stringify({
        communications: await h.db.prisma.communication.findMany({ where: { storeId: store.id }, include: { events: true } }),
        inbound: await h.db.prisma.inboundEvent.findMany({ where: { storeId: store.id } }),
        preferences: await h.db.prisma.customerPreference.findMany({ where: { storeId: store.id } }),
        consent: await h.db.prisma.consentEvent.findMany({ where: { storeId: store.id } }),
        history: await h.engine.history.forOrder(store, '3300000000001'),
      }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      for (const personal of ['erase.me', 'Jane', 'Doe', '1 Main St']) expect(dump).not.toContain(personal);
      // Hashes, statuses and counts stay.
      const after = await h.db.prisma.communication.findMany({ where: { storeId: store.id } });
      expect(after).toHaveLength(5);
      expect(after.map((r) => r.status).sort()).toEqual(before.map((r) => r.status).sort());
      expect(after.every((r) => r.dataSha256 && r.recipientHash)).toBe(true);
      for (const row of after) expect(await h.engine.documents.open(store, row.id)).toBeNull();
    });

    it('exports the archive of a period as JSON lines and a customer for a data request', async () => {
      const store = await shop('archive.myshopify.com');
      await h.engine.accept({ platform: 'shopify', storeKey: 'archive.myshopify.com', eventId: 'a-1', topic: 'orders/create', payload: shopifyOrder(2200000000001, { email: 'arch@example.com', customerId: 2201 }) });
      await eventually(async () => SENT_OR_LATER.includes((await h.engine.history.forOrder(store, '2200000000001'))[0]?.status ?? '') || null, { what: 'sent' });
      const lines: string[] = [];
      for await (const line of h.engine.compliance.exportArchive(store, { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 3_600_000) })) lines.push(line);
      expect(lines).toHaveLength(1);
      const record = JSON.parse(lines[0]!) as Record<string, unknown>;
      expect(record).toMatchObject({ documentType: 'order_confirmation', recipient: 'a***@example.com', templateId: 'comm-order-confirmation', templateVersion: '3' });
      expect(record.dataSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(record.documentRef).toBeTruthy();
      const exported = await h.engine.compliance.exportCustomer(store, { customerRef: '2201' });
      expect((exported.communications as unknown[]).length).toBe(1);
    });

    it('dry run plans, builds and records without calling Exstream', async () => {
      const store = await shop('dry.myshopify.com');
      await h.engine.settings.update(store, { dryRun: true });
      const before = h.sandbox.requests().length;
      await h.engine.accept({ platform: 'shopify', storeKey: 'dry.myshopify.com', eventId: 'd-1', topic: 'orders/create', payload: shopifyOrder(1100000000001) });
      const [entry] = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '1100000000001');
        return t.length === 1 ? t : null;
      }, { what: 'dry-run row' });
      expect(entry).toMatchObject({ status: 'skipped', dryRun: true, hasDocument: false });
      const row = await h.db.prisma.communication.findUniqueOrThrow({ where: { id: entry!.id } });
      expect(row.dataSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(h.sandbox.requests().filter((r) => r.path.includes('/inputs/')).length).toBe(h.sandbox.requests().slice(0, before).filter((r) => r.path.includes('/inputs/')).length);
    });

    it('rejects an invalid payload listing the field paths, and an unknown or uninstalled store', async () => {
      await shop('valid.myshopify.com');
      const bad = { ...shopifyOrder(1), line_items: [{ id: 1, quantity: -1 }], name: 5 };
      const error = await h.engine.accept({ platform: 'shopify', storeKey: 'valid.myshopify.com', eventId: 'v-1', topic: 'orders/create', payload: bad }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe('VALIDATION_FAILED');
      const paths = (error as ConnectError).issues.map((i) => i.path);
      expect(paths.some((p) => p.startsWith('line_items.0'))).toBe(true);
      expect(paths).toContain('name');
      await expect(h.engine.accept({ platform: 'shopify', storeKey: 'nobody.myshopify.com', eventId: 'x', topic: 'orders/create', payload: shopifyOrder(1) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await h.engine.stores.markUninstalled('shopify', 'valid.myshopify.com');
      await expect(h.engine.accept({ platform: 'shopify', storeKey: 'valid.myshopify.com', eventId: 'v-2', topic: 'orders/create', payload: shopifyOrder(1) })).rejects.toMatchObject({ code: 'STORE_INACTIVE' });
    });

    it("never shows one store's history, documents or feedback to another", async () => {
      const a = await shop('scope-a.myshopify.com');
      const b = await shop('scope-b.myshopify.com');
      await h.engine.accept({ platform: 'shopify', storeKey: 'scope-a.myshopify.com', eventId: 's-1', topic: 'orders/create', payload: shopifyOrder(1200000000001) });
      const [entry] = await eventually(async () => {
        const t = await h.engine.history.forOrder(a, '1200000000001');
        return SENT_OR_LATER.includes(t[0]?.status ?? '') ? t : null;
      }, { what: 'sent in A' });
      expect(await h.engine.history.forOrder(b, '1200000000001')).toEqual([]);
      expect((await h.engine.history.list(b)).items).toEqual([]);
      expect(await h.engine.documents.open(b, entry!.id)).toBeNull();
      await expect(h.engine.resend(b, entry!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await h.engine.feedback.since(b, undefined)).items).toEqual([]);
      const listed = await h.engine.history.list(a, { limit: 1 });
      expect(listed.items.map((i) => i.id)).toEqual([entry!.id]);
    });

    it('previews an event without recording or sending it', async () => {
      const store = await shop('preview.myshopify.com');
      const preview = await h.engine.preview(store, { topic: 'orders/create', payload: shopifyOrder(1300000000001) });
      expect(preview.eventKinds).toEqual(['order.placed']);
      expect(preview.documents[0]?.documentType).toBe('order_confirmation');
      expect(preview.documents[0]?.pdf?.subarray(0, 5).toString()).toBe('%PDF-');
      expect(await h.db.prisma.communication.count({ where: { storeId: store.id } })).toBe(0);
      const rule = await h.engine.settings.previewRule(store, { topic: 'orders/create', payload: shopifyOrder(1300000000001) });
      expect(rule.winner).toMatchObject({ documentType: 'order_confirmation', channel: 'email' });
    });
  });
}
