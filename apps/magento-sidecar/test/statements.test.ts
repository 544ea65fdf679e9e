import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPLAYED_MESSAGE } from '../src/authenticate-store.ts';
import { signMagentoRequest } from '../src/verify-signature.ts';
import { json } from './helpers/signed-client.ts';
import { eventually, loadEnvelope, startStack, type Stack } from './helpers/start-stack.ts';

const SECRET = 'statements-b2b-secret-0123456789';
const OTHER_SECRET = 'statements-other-secret-987654321';
const STATEMENT_RULE = { eventKind: 'statement.period_closed', documentType: 'account_statement', channel: 'email', communicationId: 'account-statement', templateVersion: '2' };
const PAYMENT = { instructions: 'Payable par virement sous 45 jours.', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPP', payUrl: 'https://boutique-nordique.example/payer' };

type Run = { id: string; periodStart: string; periodEnd: string; trigger: string; status: string; accounts: number | null; jobId: string | null; progress: { phase: string; outcome: string | null } | null };

describe.each(testDatabaseTargets())('statements over the signed API ($name)', (target) => {
  let stack: Stack;
  let asStore: ReturnType<Stack['client']>;
  let asOther: ReturnType<Stack['client']>;
  let storeId: string;

  beforeAll(async () => {
    stack = await startStack(target);
    storeId = (await stack.registerStore('nordique-b2b', SECRET, { connect: true, rules: [STATEMENT_RULE] })).id;
    await stack.registerStore('other-b2b', OTHER_SECRET, { connect: true });
    asStore = stack.client('nordique-b2b', SECRET);
    asOther = stack.client('other-b2b', OTHER_SECRET);
    // An Adobe Commerce B2B order for company 12 and its invoice, in June 2026, as the module posts them.
    for (const name of ['13-order-placed-b2b-company', '14-order-invoiced-b2b-company']) {
      expect((await asStore('POST', '/v1/events', { body: json(await loadEnvelope(name)) })).status).toBe(202);
    }
  });
  afterAll(async () => stack?.close());

  it('GIVEN the settings API THEN GET returns the statements section and PUT validates it field by field', async () => {
    const initial = (await (await asStore('GET', '/v1/settings')).json()) as { statements: unknown };
    expect(initial.statements).toEqual({ enabled: false, period: 'monthly', closeDay: 'last', dueDays: 30, paymentInstructions: null, accounts: 'company' });

    const bad = await asStore('PUT', '/v1/settings', { body: json({ statements: { enabled: 'yes', closeDay: 0, dueDays: 400, accounts: 'groups', paymentInstructions: { instructions: '', iban: 'FR76 3000' } } }) });
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { error: { issues: Array<{ path: string }> } }).error.issues.map((i) => i.path).sort();
    expect(issues).toEqual([
      'statements.accounts',
      'statements.closeDay',
      'statements.dueDays',
      'statements.enabled',
      'statements.paymentInstructions.iban',
      'statements.paymentInstructions.instructions',
    ]);

    const saved = await asStore('PUT', '/v1/settings', {
      body: json({ connection: { baseUrl: stack.sandbox.url, domain: stack.sandbox.domain, tokenUrl: stack.sandbox.tokenUrl, clientId: 'sandbox', serviceNames: { statements: 'statements' } }, statements: { enabled: true, dueDays: 45, paymentInstructions: PAYMENT } }),
    });
    expect(saved.status).toBe(200);
    const view = (await saved.json()) as { statements: unknown; connection: { serviceNames: unknown } };
    expect(view.statements).toEqual({
      enabled: true,
      period: 'monthly',
      closeDay: 'last',
      dueDays: 45,
      accounts: 'company',
      paymentInstructions: { ...PAYMENT, reference: null, bankName: null, accountHolder: null, accountNumber: null, bankCode: null },
    });
    expect(view.connection.serviceNames).toMatchObject({ statements: 'statements' });
    // Another store's settings are untouched.
    expect(((await (await asOther('GET', '/v1/settings')).json()) as { statements: { enabled: boolean } }).statements.enabled).toBe(false);
  });

  it('GIVEN a bad run request THEN 400 naming the field; a period that is not a close date THEN 400 on periodEnd', async () => {
    const unknown = await asStore('POST', '/v1/statements/run', { body: json({ period: '2026-06-30' }) });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { issues: Array<{ path: string }> } }).error.issues).toEqual([{ path: '', message: expect.stringContaining('"period"') }]);
    const malformed = await asStore('POST', '/v1/statements/run', { body: json({ periodEnd: '30/06/2026' }) });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { issues: Array<{ path: string }> } }).error.issues).toEqual([expect.objectContaining({ path: 'periodEnd' })]);
    const notAClose = await asStore('POST', '/v1/statements/run', { body: json({ periodEnd: '2026-06-29' }) });
    expect(notAClose.status).toBe(400);
    expect(((await notAClose.json()) as { error: { issues: Array<{ path: string }> } }).error.issues).toEqual([expect.objectContaining({ path: 'periodEnd' })]);
    expect((await (await asStore('GET', '/v1/statements/runs')).json()) as { runs: unknown[] }).toEqual({ runs: [] });
  });

  it('GIVEN B2B events WHEN the module starts a run THEN 202, the runs list shows it reach sent, and the company account has its statement', async () => {
    const started = await asStore('POST', '/v1/statements/run', { body: json({ periodEnd: '2026-06-30' }) });
    expect(started.status).toBe(202);
    const { run } = (await started.json()) as { started: boolean; run: Run };
    expect(run).toMatchObject({ periodStart: '2026-06-01', periodEnd: '2026-06-30', trigger: 'manual' });

    const done = await eventually(async () => {
      const { runs } = (await (await asStore('GET', '/v1/statements/runs')).json()) as { runs: Run[] };
      return runs.find((r) => r.id === run.id && ['sent', 'failed'].includes(r.status));
    }, 'the run to finish');
    expect(done).toMatchObject({ status: 'sent', accounts: 1, jobId: expect.any(String), progress: { phase: 'done', outcome: 'sent' } });
    const rows = await stack.db.prisma.communication.findMany({ where: { storeId, documentType: 'account_statement' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'sent', exstreamJobId: done.jobId });
    expect(rows[0]!.documentData).toMatchObject({
      statement: { accountRef: 'company/12', accountName: 'Atelier Boréal inc.', closingBalance: { amount: '714.85', currency: 'CAD' }, dueDate: '2026-08-14' },
      paymentInstructions: { iban: 'FR7630006000011234567890189', reference: 'company/12' },
    });
    // Store isolation: the other store lists no run, and cannot see this one.
    expect((await (await asOther('GET', '/v1/statements/runs')).json()) as { runs: unknown[] }).toEqual({ runs: [] });
  });

  it('GIVEN a captured run request WHEN it is sent again THEN 401 "replayed" and no second run', async () => {
    const body = json({ periodEnd: '2026-05-31' });
    const signature = signMagentoRequest(SECRET, { method: 'POST', path: '/v1/statements/run', rawBody: body });
    const send = () => fetch(`${stack.url}/v1/statements/run`, { method: 'POST', headers: { 'x-exstream-connect-store': 'nordique-b2b', 'x-exstream-connect-signature': signature, 'content-type': 'application/json' }, body });
    expect((await send()).status).toBe(202);
    const replay = await send();
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({ error: { code: 'UNAUTHENTICATED', message: REPLAYED_MESSAGE } });
    const { runs } = (await (await asStore('GET', '/v1/statements/runs')).json()) as { runs: Run[] };
    expect(runs.filter((r) => r.periodEnd === '2026-05-31')).toHaveLength(1);
  });
});
