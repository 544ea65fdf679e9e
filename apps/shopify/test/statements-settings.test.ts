import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, setUpValidRequest } from '@shopify/shopify-api/test-helpers';
import { action as commerceWebhook } from '../app/routes/webhooks.commerce.tsx';
import { action as settingsAction, loader as settingsLoader } from '../app/routes/app.settings.tsx';
import { loader as runsLoader } from '../app/routes/app.statement-runs.tsx';
import { progressOfRun, type StatementRunRow } from '../app/lib/statement-run-progress.ts';
import { DEMO_RULES } from '../src/seed-demo-shop.ts';
import { SHOP, authed, form, run, eventually, responseOf, shopifyFixture, startAppHarness, webhookRequest, type AppHarness } from './helpers/app-harness.ts';
import { renderAdminPage } from './helpers/remix-request-handler.ts';


const STATEMENT_RULE = { eventKind: 'statement.period_closed', documentType: 'account_statement', channel: 'email', brand: null, locale: null, communicationId: 'account-statement', templateVersion: '1', priority: 0, enabled: true };
/** Every field of the Statements section, as the page posts it. */
const STATEMENTS_FORM = {
  intent: 'statements',
  enabled: 'on',
  closeDay: 'last',
  dueDays: '21',
  accounts: 'company',
  paymentInstructions: 'Please pay by bank transfer within 21 days, quoting your account.',
  paymentReference: '',
  payUrl: 'https://pay.example.com/statements',
  iban: 'de89 3704 0044 0532 0130 00',
  bic: 'COBADEFFXXX',
  bankName: 'Commerzbank',
  accountHolder: 'Test Shop GmbH',
};

/** The 15th of the month before this one (UTC): inside the latest period a "last day" close has closed. */
function lastPeriodDay(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15, 10)).toISOString();
}

describe('Settings: statements section and statement runs', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startAppHarness({ worker: true });
    await h.installShop(SHOP, { rules: [...DEMO_RULES, STATEMENT_RULE] });
  });
  afterAll(async () => h?.close());

  it('GIVEN invalid statement settings WHEN saved THEN 400 naming each field at fault, and nothing changes', async () => {
    const refused = await run(settingsAction, authed('/app/settings', form({ ...STATEMENTS_FORM, closeDay: '31', dueDays: '', iban: 'DE89-NOT-AN-IBAN', payUrl: 'ftp://pay.example.com', accounts: 'everyone' })));
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body.ok).toBe(false);
    expect(body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'statements.accounts',
      'statements.closeDay',
      'statements.dueDays',
      'statements.paymentInstructions.iban',
      'statements.paymentInstructions.payUrl',
    ]);
    // Payment details without the text to print: the text is the one required field.
    const noText = await (await run(settingsAction, authed('/app/settings', form({ ...STATEMENTS_FORM, paymentInstructions: '' })))).json();
    expect(noText.issues.map((i: { path: string }) => i.path)).toEqual(['statements.paymentInstructions.instructions']);
    const { settings } = await (await run(settingsLoader, authed('/app/settings'))).json();
    expect(settings.statements).toEqual({ enabled: false, period: 'monthly', closeDay: 'last', dueDays: 30, paymentInstructions: null, accounts: 'company' });
  });

  it('GIVEN valid statement settings WHEN saved THEN the loader returns them (IBAN stored without spaces); blank payment fields clear the instructions', async () => {
    const saved = await run(settingsAction, authed('/app/settings', form({ ...STATEMENTS_FORM, closeDay: '25' })));
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ ok: true, message: 'Statement settings saved' });
    const { settings } = await (await run(settingsLoader, authed('/app/settings'))).json();
    expect(settings.statements).toEqual({
      enabled: true,
      period: 'monthly',
      closeDay: 25,
      dueDays: 21,
      accounts: 'company',
      paymentInstructions: {
        instructions: 'Please pay by bank transfer within 21 days, quoting your account.',
        reference: null,
        payUrl: 'https://pay.example.com/statements',
        iban: 'DE89370400440532013000',
        bic: 'COBADEFFXXX',
        bankName: 'Commerzbank',
        accountHolder: 'Test Shop GmbH',
        accountNumber: null,
        bankCode: null,
      },
    });
    const blanks = { paymentInstructions: '', payUrl: '', iban: '', bic: '', bankName: '', accountHolder: '' };
    await run(settingsAction, authed('/app/settings', form({ ...STATEMENTS_FORM, ...blanks })));
    expect((await (await run(settingsLoader, authed('/app/settings'))).json()).settings.statements).toMatchObject({ closeDay: 'last', paymentInstructions: null });
    // Back to the full instructions for the run below.
    await run(settingsAction, authed('/app/settings', form(STATEMENTS_FORM)));
  });

  it('GIVEN no statements service WHEN "Run now for last period" is posted THEN 422 naming the missing service; the connection form keeps the service names it shows', async () => {
    const refused = await run(settingsAction, authed('/app/settings', form({ intent: 'run-statements' })));
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ ok: false, issues: [{ path: 'connection.serviceNames.statements' }] });

    const connection = { intent: 'connection', baseUrl: h.sandbox.url, domain: h.sandbox.domain, tokenUrl: h.sandbox.tokenUrl, clientId: 'sandbox', clientSecret: '', onDemandService: 'on-demand', batchService: '', statementsService: 'statements' };
    expect((await run(settingsAction, authed('/app/settings', form(connection)))).status).toBe(200);
    const { settings } = await (await run(settingsLoader, authed('/app/settings'))).json();
    expect(settings.connection.serviceNames).toEqual({ onDemand: 'on-demand', statements: 'statements' });
  });

  it('GIVEN B2B orders in the last closed period WHEN "Run now for last period" is posted THEN the run starts and the polled runs show its progress until its statements are sent', async () => {
    // Two orders placed for company 9001 (location 9101), delivered as signed webhooks.
    const fixture = JSON.parse(await shopifyFixture('orders-create'));
    const store = (await h.engine.stores.find('shopify', SHOP))!;
    for (const [id, name] of [[5509990101, '#7101'], [5509990102, '#7102']] as const) {
      const body = JSON.stringify({ ...fixture, id, name, created_at: lastPeriodDay(), updated_at: lastPeriodDay(), company: { id: 9001, location_id: 9101 } });
      expect((await responseOf(() => commerceWebhook({ request: webhookRequest({ topic: 'orders/create', body }), params: {}, context: {} }))).status).toBe(200);
    }
    await eventually(async () => (await h.engine.history.forOrder(store, '5509990102')).length > 0, 'the B2B orders processed');

    const started = await (await run(settingsAction, authed('/app/settings', form({ intent: 'run-statements' })))).json();
    expect(started).toMatchObject({ intent: 'run-statements', ok: true, message: expect.stringMatching(/^Statement run started for \d{4}-\d{2}-01 – \d{4}-\d{2}-\d{2}$/) });
    const runId: string = started.run.id;
    expect(progressOfRun(started.run).live).toBe(true);
    // A second click while it runs starts nothing new.
    const again = await (await run(settingsAction, authed('/app/settings', form({ intent: 'run-statements' })))).json();
    if (again.run.status !== 'sent') expect(again).toMatchObject({ ok: true, message: expect.stringMatching(/already in progress/), run: { id: runId } });

    // The page polls the runs route: each answer feeds the progress bar, until the run is sent.
    const seen: number[] = [];
    const done = await eventually(async () => {
      const response = await run(runsLoader, authed('/app/statement-runs'));
      expect(response.headers.get('Cache-Control')).toBe('private, no-store');
      const row = ((await response.json()).runs as StatementRunRow[]).find((r) => r.id === runId);
      if (row) seen.push(progressOfRun(row).percent);
      return row && !progressOfRun(row).live ? row : null;
    }, 'the run to finish');
    expect(done).toMatchObject({ status: 'sent', trigger: 'manual', accounts: 1, jobId: expect.any(String) });
    expect(progressOfRun(done)).toMatchObject({ percent: 100, tone: 'success', label: '1 statement sent', live: false });
    // The bar only moves forward.
    expect(seen).toEqual([...seen].sort((a, b) => a - b));

    const statements = await h.db.prisma.communication.findMany({ where: { storeId: store.id, documentType: 'account_statement' } });
    expect(statements.map((s) => [s.status, s.exstreamJobId])).toEqual([['sent', done.jobId]]);
    expect(statements[0]!.documentData).toMatchObject({
      statement: { accountRef: 'company/9001/location/9101', closingBalance: { currency: 'PLN' } },
      paymentInstructions: { iban: 'DE89370400440532013000', reference: 'company/9001/location/9101' },
    });
    // The Settings page lists the run too.
    const page = await (await run(settingsLoader, authed('/app/settings'))).json();
    expect(page.runs).toEqual([expect.objectContaining({ id: runId, status: 'sent', accounts: 1 })]);
  });

  it('GIVEN a finished run WHEN the Settings document is rendered by Remix THEN the Statements section and the run with its full progress bar are on the page', async () => {
    const { status, html } = await renderAdminPage('/app/settings');
    expect(status).toBe(200);
    for (const text of ['Send period-close statements', 'Payment instructions', 'Pay online URL', 'IBAN', 'DE89370400440532013000', 'Run now for last period', 'Started here', '1 statement sent']) {
      expect(html).toContain(text);
    }
    expect(html).toMatch(/<progress[^>]*value="100"/);
  });

  it('GIVEN another shop WHEN it polls statement runs THEN it sees none of this shop\'s runs', async () => {
    await h.installShop('other-shop.myshopify.com');
    const other = setUpValidRequest({ type: RequestType.Bearer, store: 'other-shop', apiKey: API_KEY, apiSecretKey: API_SECRET_KEY }, new Request(`${APP_URL}/app/statement-runs`));
    expect((await (await run(runsLoader, other)).json()).runs).toEqual([]);
  });
});
