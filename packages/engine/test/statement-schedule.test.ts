import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecretBox } from '@exstream-connect/db';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { createEngine, type AccountStatementInput, type StatementAccountsRequest, type StatementAccountsSource } from '../src/index.ts';
import { eventually, sandboxConnection, startHarness, type Harness } from './helpers/engine-harness.ts';
import { shopifyOrder, shopifyRefund } from './helpers/shopify-fixtures.ts';
import { STATEMENT_RULE } from './helpers/statement-fixtures.ts';

/** A B2B order: Shopify puts the company and company location on orders placed for a company. */
function companyOrder(orderId: number, at: string, company: { id: number; locationId: number; name: string } | null) {
  const order = shopifyOrder(orderId, { email: 'ap@rowery.example', customerId: 7100 });
  return {
    ...order,
    created_at: at,
    updated_at: at,
    financial_status: 'pending',
    billing_address: { ...order.billing_address, company: company?.name ?? null },
    ...(company ? { company: { id: company.id, location_id: company.locationId } } : {}),
  };
}

// Envelopes as the Magento module posts them (the core package's fixtures).
const ENVELOPES = new URL('../../core/test/fixtures/magento/envelopes/', import.meta.url);
/** A module envelope whose order is billed to a company. */
async function companyEnvelope(name: string, company: string): Promise<{ id: string; event: string } & Record<string, unknown>> {
  const env = JSON.parse(await readFile(new URL(name, ENVELOPES), 'utf8')) as { id: string; event: string; entity: Record<string, unknown>; order?: Record<string, unknown> };
  for (const order of [env.order, env.event.startsWith('order.') ? env.entity : undefined]) {
    if (order) order.billing_address = { ...(order.billing_address as object), company };
  }
  return env;
}

const ROWERY = { id: 501, locationId: 601, name: 'Rowery Łódź Sp. z o.o.' };
const KOLO = { id: 502, locationId: 602, name: 'Koło Kraków S.A.' };
const PAYMENT = { instructions: 'Please pay by bank transfer within 14 days.', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX', payUrl: 'https://pay.example/statements' };

for (const target of testDatabaseTargets()) {
  describe(`period-close statements on ${target.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(target, { engine: { batchPolling: { intervalMs: 100, timeoutMs: 20_000 } }, sandbox: { batch: { startAfterMs: 20, completeAfterMs: 60 } } });
    });
    afterAll(async () => {
      await h?.close();
    });

    it('validates the statements settings field by field', async () => {
      const store = await h.engine.stores.ensureShopifyShop('settings-b2b.myshopify.com');
      const bad = { statements: { closeDay: 31, dueDays: -1, paymentInstructions: { instructions: 'Pay', iban: 'DE89 3704', payUrl: 'ftp://x' } }, defaults: { timezone: 'Mars/Olympus' } };
      const error = await h.engine.settings.update(store, bad).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
      const paths = (error as { issues: Array<{ path: string }> }).issues.map((i) => i.path).sort();
      expect(paths).toEqual(['defaults.timezone', 'statements.closeDay', 'statements.dueDays', 'statements.paymentInstructions.iban', 'statements.paymentInstructions.payUrl']);
      await expect(h.engine.settings.update(store, { statements: { enable: true } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      // Defaults, then a partial update changes only what it names.
      expect((await h.engine.settings.get(store)).statements).toEqual({ enabled: false, period: 'monthly', closeDay: 'last', dueDays: 30, paymentInstructions: null, accounts: 'company' });
      await h.engine.settings.update(store, { statements: { enabled: true, paymentInstructions: PAYMENT } });
      const view = await h.engine.settings.update(store, { statements: { dueDays: 14 } });
      expect(view.statements).toMatchObject({ enabled: true, dueDays: 14, closeDay: 'last', paymentInstructions: { ...PAYMENT, reference: null, bankName: null } });
    });

    it('at period close in the store time zone, each B2B account gets one statement built from its orders, exactly once', async () => {
      // GIVEN a Shopify B2B store in Berlin with statements enabled and payment instructions
      const domain = 'b2b-ledger.myshopify.com';
      const store = await h.engine.stores.ensureShopifyShop(domain);
      await h.engine.settings.update(store, {
        connection: { ...sandboxConnection(h.sandbox), serviceNames: { statements: 'statements' } },
        rules: [STATEMENT_RULE],
        defaults: { timezone: 'Europe/Berlin' },
        statements: { enabled: true, dueDays: 14, paymentInstructions: PAYMENT },
      });
      const accept = (topic: string, eventId: string, payload: unknown) => h.engine.accept({ platform: 'shopify', storeKey: domain, eventId, topic, payload });
      // Rowery: an unpaid September order (the opening balance), an October order paid then partly
      // refunded, an October order cancelled before payment, and a November order (next period).
      await accept('orders/create', 'e1', companyOrder(4001, '2026-09-20T10:00:00+02:00', ROWERY));
      await accept('orders/create', 'e2', companyOrder(4002, '2026-10-05T10:00:00+02:00', ROWERY));
      await accept('orders/paid', 'e3', { ...companyOrder(4002, '2026-10-05T10:00:00+02:00', ROWERY), updated_at: '2026-10-10T10:00:00+02:00', financial_status: 'paid' });
      await accept('refunds/create', 'e4', { ...shopifyRefund(4002), created_at: '2026-10-12T09:00:00+02:00', processed_at: '2026-10-12T09:00:00+02:00' });
      await accept('orders/create', 'e5', companyOrder(4003, '2026-10-20T10:00:00+02:00', ROWERY));
      await accept('orders/cancelled', 'e6', { ...companyOrder(4003, '2026-10-20T10:00:00+02:00', ROWERY), cancelled_at: '2026-10-22T10:00:00+02:00', cancel_reason: 'customer' });
      await accept('orders/create', 'e7', companyOrder(4004, '2026-11-02T10:00:00+01:00', ROWERY));
      // Koło: one order half an hour into October in Berlin (still 30 September in UTC). A consumer
      // order (no company) gets no statement.
      await accept('orders/create', 'e8', companyOrder(4005, '2026-10-01T00:30:00+02:00', KOLO));
      await accept('orders/create', 'e9', companyOrder(4006, '2026-10-15T10:00:00+02:00', null));

      // WHEN the scheduler ticks a minute before October closes in Berlin (23:59 local), nothing is
      // claimed: September closed a month ago, outside the 7-day catch-up window
      expect((await h.engine.statements.enqueueDue(new Date('2026-10-31T22:59:00Z'))).find((c) => c.storeId === store.id)).toBeUndefined();
      // AND ticks after the close: October is claimed once, however often and by however many instances
      const now = new Date('2026-10-31T23:05:00Z');
      const claims = await h.engine.statements.enqueueDue(now);
      expect(claims.filter((c) => c.storeId === store.id)).toEqual([{ storeId: store.id, periodStart: '2026-10-01', periodEnd: '2026-10-31', claimed: true }]);
      expect((await h.engine.statements.enqueueDue(now)).find((c) => c.storeId === store.id)?.claimed).toBe(false);
      const other = await createEngine({ db: h.db, secretBox: createSecretBox(randomBytes(32)) });
      try {
        expect((await other.statements.enqueueDue(new Date('2026-11-03T08:00:00Z'))).find((c) => c.storeId === store.id)?.claimed).toBe(false);
      } finally {
        await other.stop();
      }

      // THEN the worker runs the claimed period, the poll job settles it, and each account has one sent statement
      await h.engine.startWorker();
      const rows = await eventually(async () => {
        const found = await h.db.prisma.communication.findMany({ where: { storeId: store.id, documentType: 'account_statement' }, include: { events: true } });
        if (found.length !== 2 || found.some((r) => r.status !== 'sent')) throw new Error(`not yet: ${found.map((r) => r.status).join(',')}`);
        return found;
      }, { timeoutMs: 15_000 });
      expect(rows.every((r) => r.exstreamJobId && r.events.map((e) => e.status).join(',') === 'sending,sent')).toBe(true);
      expect(h.sandbox.requests().filter((r) => r.path.includes('/inputs/batch/'))).toHaveLength(1);

      type Line = { kind: string; date: string; description: string; debit: { amount: string } | null; credit: { amount: string } | null; balance: { amount: string } };
      type StatementData = { statement: { accountRef: string; lines: Line[] } & Record<string, unknown>; paymentInstructions: unknown; billingAddress: unknown };
      const byAccount = new Map(rows.map((r) => [(r.documentData as StatementData).statement.accountRef, r.documentData as StatementData]));
      expect([...byAccount.keys()].sort()).toEqual(['company/501/location/601', 'company/502/location/602']);
      const rowery = byAccount.get('company/501/location/601')!;
      expect(rowery.statement).toMatchObject({
        accountName: 'Rowery Łódź Sp. z o.o.',
        periodStart: '2026-10-01',
        periodEnd: '2026-10-31',
        currency: 'EUR',
        openingBalance: { amount: '59.00', currency: 'EUR' },
        closingBalance: { amount: '59.00', currency: 'EUR' },
        dueDate: '2026-11-14',
        amountDue: { amount: '59.00', currency: 'EUR' },
      });
      expect(rowery.statement.lines.map((l) => [l.kind, l.debit?.amount ?? null, l.credit?.amount ?? null, l.balance.amount])).toEqual([
        ['order', '59.00', null, '118.00'],
        ['payment', null, '59.00', '59.00'],
        ['credit', null, '29.50', '29.50'],
        ['adjustment', '29.50', null, '59.00'],
        ['order', '59.00', null, '118.00'],
        ['adjustment', null, '59.00', '59.00'],
      ]);
      expect(rowery.statement.lines[2]).toMatchObject({ date: '2026-10-12', description: 'Refund for order #1002' });
      // The store's payment instructions, the account as the payment reference; the billing address of its latest order.
      expect(rowery.paymentInstructions).toEqual({ ...PAYMENT, reference: 'company/501/location/601', bankName: null, accountHolder: null, accountNumber: null, bankCode: null });
      expect(rowery.billingAddress).toMatchObject({ company: 'Rowery Łódź Sp. z o.o.' });
      // 00:30 on 1 October in Berlin is October's, although UTC still says 30 September: the store's day counts.
      expect(byAccount.get('company/502/location/602')!.statement.lines).toEqual([
        expect.objectContaining({ kind: 'order', date: '2026-10-01', debit: { amount: '59.00', currency: 'EUR' } }),
      ]);

      // AND the run is visible, completed, and the cron that ticks is registered with pg-boss
      const runs = await eventually(async () => {
        const found = await h.engine.statements.runs(store);
        return found[0]?.state === 'completed' ? found : null;
      });
      expect(runs.map((r) => [r.periodEnd, r.state])).toEqual([['2026-10-31', 'completed']]);
      const schedules = await h.db.sql.query<{ name: string; cron: string; timezone: string }>(`SELECT name, cron, timezone FROM pgboss.schedule WHERE name = 'engine-statements-tick'`);
      expect(schedules).toEqual([{ name: 'engine-statements-tick', cron: '*/15 * * * *', timezone: 'UTC' }]);
    });

    it('a Magento store: invoices charge and credit memos credit the account of a company-billed customer', async () => {
      const store = await h.engine.stores.registerMagentoStore({ storeKey: 'nordique-b2b', signingSecret: 'shared-secret-of-the-module', name: 'Nordique B2B' });
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(h.sandbox), serviceNames: { statements: 'statements' } }, rules: [STATEMENT_RULE], statements: { enabled: true } });
      // Order and invoice in May, credit memo in June.
      for (const name of ['01-order-placed.json', '02-order-invoiced.json', '05-creditmemo-created.json']) {
        const env = await companyEnvelope(name, 'Boutique Nordique Inc.');
        await h.engine.accept({ platform: 'magento', storeKey: 'nordique-b2b', eventId: env.id, topic: env.event, payload: env });
      }
      // Magento events carry no company id: matching on it finds no account, and no empty batch is sent.
      const batchesBefore = h.sandbox.requests().filter((r) => r.path.includes('/inputs/batch/')).length;
      expect(await h.engine.statements.runPeriod(store, { periodEnd: '2026-06-30' })).toMatchObject({ accounts: 0, jobId: null });
      expect(h.sandbox.requests().filter((r) => r.path.includes('/inputs/batch/'))).toHaveLength(batchesBefore);
      // Matching on the billing company: the customer is the account.
      await h.engine.settings.update(store, { statements: { accounts: 'billing_company' } });
      const june = await h.engine.statements.runPeriod(store, { periodEnd: '2026-06-30' });
      expect(june).toMatchObject({ accounts: 1, queued: 1, jobStatus: 'complete' });
      const row = await h.db.prisma.communication.findFirstOrThrow({ where: { storeId: store.id, documentType: 'account_statement' } });
      expect(row.status).toBe('sent');
      expect(row.documentData).toMatchObject({
        currency: 'CAD',
        statement: {
          accountRef: 'customer/88',
          accountName: 'Boutique Nordique Inc.',
          openingBalance: { amount: '275.94', currency: 'CAD' },
          lines: [{ kind: 'credit', ref: '000000033', description: 'Credit memo 000000033', debit: null, credit: { amount: '20.87', currency: 'CAD' }, balance: { amount: '255.07', currency: 'CAD' } }],
          closingBalance: { amount: '255.07', currency: 'CAD' },
          amountDue: { amount: '255.07', currency: 'CAD' },
          dueDate: '2026-07-30',
        },
        paymentInstructions: null,
      });
    });

    it('an Adobe Commerce B2B store: orders placed for a company are that company\'s account, by company id', async () => {
      const store = await h.engine.stores.registerMagentoStore({ storeKey: 'boreal-b2b', signingSecret: 'shared-secret-of-the-b2b-module', name: 'Nordique B2B (Adobe Commerce)' });
      await h.engine.settings.update(store, { connection: { ...sandboxConnection(h.sandbox), serviceNames: { statements: 'statements' } }, rules: [STATEMENT_RULE], statements: { enabled: true, dueDays: 45 } });
      // A B2B order (company 12) and its invoice in June; a consumer order of the same store, billed to a company name only.
      for (const name of ['13-order-placed-b2b-company.json', '14-order-invoiced-b2b-company.json']) {
        const env = JSON.parse(await readFile(new URL(name, ENVELOPES), 'utf8')) as { id: string; event: string };
        await h.engine.accept({ platform: 'magento', storeKey: 'boreal-b2b', eventId: env.id, topic: env.event, payload: env });
      }
      const consumer = await companyEnvelope('01-order-placed.json', 'Boutique Nordique Inc.');
      await h.engine.accept({ platform: 'magento', storeKey: 'boreal-b2b', eventId: consumer.id, topic: consumer.event, payload: { ...consumer, occurred_at: '2026-06-04 10:00:00' } });

      // accounts: 'company' (the default) finds the company account; the billing-company-only order is not one.
      const june = await h.engine.statements.runPeriod(store, { periodEnd: '2026-06-30' });
      expect(june).toMatchObject({ accounts: 1, queued: 1, jobStatus: 'complete' });
      const row = await h.db.prisma.communication.findFirstOrThrow({ where: { storeId: store.id, documentType: 'account_statement' } });
      expect(row.status).toBe('sent');
      expect(row.documentData).toMatchObject({
        currency: 'CAD',
        statement: {
          accountRef: 'company/12',
          accountName: 'Atelier Boréal inc.',
          openingBalance: { amount: '0.00', currency: 'CAD' },
          lines: [
            { kind: 'order', date: '2026-06-03', ref: '000000165', debit: null, credit: null },
            { kind: 'invoice', date: '2026-06-10', ref: '000000088', description: 'Invoice 000000088 for order 000000165', debit: { amount: '714.85', currency: 'CAD' }, balance: { amount: '714.85', currency: 'CAD' } },
          ],
          closingBalance: { amount: '714.85', currency: 'CAD' },
          dueDate: '2026-08-14',
        },
        billingAddress: { company: 'Atelier Boréal inc.', city: 'Québec' },
      });
    });

    it('an app can plug its own account source; a manual run of a period goes through it', async () => {
      const seen: StatementAccountsRequest[] = [];
      const source: StatementAccountsSource = {
        async *accounts(request) {
          seen.push(request);
          yield {
            statement: {
              accountRef: 'ERP-1',
              accountName: 'Velo Partner GmbH',
              periodStart: request.period.start,
              periodEnd: request.period.end,
              currency: 'EUR',
              openingBalance: { amount: '0.00', currency: 'EUR' },
              closingBalance: { amount: '10.00', currency: 'EUR' },
              dueDate: '2026-12-01',
              lines: [{ kind: 'invoice', date: '2026-10-03', ref: 'R-1', description: 'Invoice R-1', debit: { amount: '10.00', currency: 'EUR' }, credit: null, balance: { amount: '10.00', currency: 'EUR' } }],
              billingAddress: null,
              paymentInstructions: { instructions: 'Pay via the partner portal.', reference: 'ERP-1', payUrl: null, bankName: null, accountHolder: null, iban: null, bic: null, accountNumber: null, bankCode: null },
            },
            customer: { ref: 'erp-1', email: 'ap@velo.example', phone: null, firstName: null, lastName: null, locale: 'de', isGuest: false },
          } satisfies AccountStatementInput;
        },
      };
      const engine = await createEngine({ db: h.db, secretBox: createSecretBox(randomBytes(32)), statements: { accounts: { magento: source } }, batchPolling: { intervalMs: 100, timeoutMs: 20_000 } });
      try {
        const store = await engine.stores.registerMagentoStore({ storeKey: 'erp-b2b', signingSecret: 'a-long-enough-secret', name: 'ERP B2B' });
        await engine.settings.update(store, {
          connection: { ...sandboxConnection(h.sandbox), serviceNames: { statements: 'statements' } },
          rules: [STATEMENT_RULE],
          statements: { enabled: true, closeDay: 15, paymentInstructions: PAYMENT },
        });
        await expect(engine.statements.runPeriod(store, { periodEnd: '2026-10-31' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [expect.objectContaining({ path: 'periodEnd' })] });
        const result = await engine.statements.runPeriod(store, { periodEnd: '2026-10-15' });
        expect(result).toMatchObject({ accounts: 1, queued: 1, jobStatus: 'complete' });
        expect(seen.map((r) => [r.store.platform, r.period.start, r.period.end, r.settings.closeDay])).toEqual([['magento', '2026-09-16', '2026-10-15', 15]]);
        const row = await h.db.prisma.communication.findFirstOrThrow({ where: { storeId: store.id, documentType: 'account_statement' } });
        // The account's own instructions and due date win over the store's.
        expect(row.documentData).toMatchObject({ statement: { accountRef: 'ERP-1', dueDate: '2026-12-01' }, paymentInstructions: { instructions: 'Pay via the partner portal.' } });
        expect(row.status).toBe('sent');
      } finally {
        await engine.stop();
      }
    });
  });
}
