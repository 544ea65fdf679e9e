import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action as settingsAction, loader as settingsLoader } from '../app/routes/app.settings.tsx';
import { SHOP, authed, form, run, startAppHarness, type AppHarness } from './helpers/app-harness.ts';
import { renderAdminPage } from './helpers/remix-request-handler.ts';

const savedSettings = async () => (await (await run(settingsLoader, authed('/app/settings'))).json()).settings;
const paths = (body: { issues: Array<{ path: string }> }) => body.issues.map((issue) => issue.path);

/** The Campaign reminders section as the page posts it: an unchecked box posts no `batch` field. */
const UNCHECKED_FORM = { intent: 'campaigns', windowSeconds: '120' };
const CAMPAIGNS_FORM = { ...UNCHECKED_FORM, batch: 'on' };
const DEFAULT_CAMPAIGNS = { batch: false, windowSeconds: 300 };

describe('Settings: campaign reminders section', () => {
  let h: AppHarness;
  /** The connection form of the harness's shop, as the page posts it: the secret left blank (kept). */
  let connectionForm: Record<string, string>;
  beforeAll(async () => {
    h = await startAppHarness();
    // Installed with a connection naming no service at all: no batch service to batch reminders with.
    await h.installShop(SHOP);
    connectionForm = { intent: 'connection', baseUrl: h.sandbox.url, domain: h.sandbox.domain, tokenUrl: h.sandbox.tokenUrl, clientId: 'sandbox', clientSecret: '', onDemandService: '', batchService: '', statementsService: '', campaignsService: '' };
  });
  afterAll(async () => h?.close());

  it('GIVEN a connection without a batch service WHEN batched reminders are saved THEN 400 naming campaigns.batch with the engine\'s reason, and nothing changes', async () => {
    expect((await savedSettings()).campaigns).toEqual(DEFAULT_CAMPAIGNS);
    const refused = await run(settingsAction, authed('/app/settings', form(CAMPAIGNS_FORM)));
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body).toMatchObject({ intent: 'campaigns', ok: false, issues: [{ path: 'campaigns.batch', message: expect.stringContaining('batched reminders need a batch service') }] });
    expect(paths(body)).toEqual(['campaigns.batch']);
    expect((await savedSettings()).campaigns).toEqual(DEFAULT_CAMPAIGNS);
  });

  it.each([
    ['zero', '0'],
    ['over a day', '86401'],
    ['blank', ''],
    ['not whole', '1.5'],
    ['not a number', 'soon'],
  ])('GIVEN a batch window that is %s WHEN saved THEN 400 naming campaigns.windowSeconds, and nothing changes', async (_what, windowSeconds) => {
    const refused = await run(settingsAction, authed('/app/settings', form({ ...UNCHECKED_FORM, windowSeconds })));
    expect(refused.status).toBe(400);
    expect(paths(await refused.json())).toEqual(['campaigns.windowSeconds']);
    expect((await savedSettings()).campaigns).toEqual(DEFAULT_CAMPAIGNS);
  });

  it('GIVEN a campaign batch service saved by the connection form WHEN batched reminders with a 120 s window are saved THEN the loader returns them; unchecking turns batching off and keeps the window', async () => {
    expect((await run(settingsAction, authed('/app/settings', form({ ...connectionForm, campaignsService: 'campaign-reminders' })))).status).toBe(200);
    expect((await savedSettings()).connection.serviceNames).toEqual({ campaigns: 'campaign-reminders' });

    const saved = await run(settingsAction, authed('/app/settings', form(CAMPAIGNS_FORM)));
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ intent: 'campaigns', ok: true, message: 'Campaign reminder settings saved' });
    expect((await savedSettings()).campaigns).toEqual({ batch: true, windowSeconds: 120 });

    // An unchecked Polaris checkbox posts nothing: that is "off", not "unchanged".
    expect((await run(settingsAction, authed('/app/settings', form({ ...UNCHECKED_FORM, windowSeconds: '600' })))).status).toBe(200);
    expect((await savedSettings()).campaigns).toEqual({ batch: false, windowSeconds: 600 });
    expect((await run(settingsAction, authed('/app/settings', form(CAMPAIGNS_FORM)))).status).toBe(200);
  });

  it('GIVEN batched reminders WHEN the connection form clears every batch service THEN it is saved, batching stays on, and the page warns that reminders go one by one', async () => {
    expect((await run(settingsAction, authed('/app/settings', form(connectionForm)))).status).toBe(200);
    expect(await savedSettings()).toMatchObject({ connection: { serviceNames: {} }, campaigns: { batch: true, windowSeconds: 120 } });
    const { html } = await renderAdminPage('/app/settings');
    expect(html).toContain('No batch service: reminders are sent one by one');
    // The connection's batch service is enough on its own: the warning goes.
    expect((await run(settingsAction, authed('/app/settings', form({ ...connectionForm, batchService: 'bulk' })))).status).toBe(200);
    expect(await savedSettings()).toMatchObject({ connection: { serviceNames: { batch: 'bulk' } }, campaigns: { batch: true, windowSeconds: 120 } });
    expect((await renderAdminPage('/app/settings')).html).not.toContain('No batch service');
  });

  it('GIVEN saved batched reminders WHEN the Settings document is rendered by Remix THEN the section shows them: box checked, the window, the service field', async () => {
    expect((await run(settingsAction, authed('/app/settings', form({ ...connectionForm, campaignsService: 'campaign-reminders' })))).status).toBe(200);
    const { status, html } = await renderAdminPage('/app/settings');
    expect(status).toBe(200);
    for (const text of ['Campaign reminders', 'Send abandoned-cart and replenishment reminders in batches', 'Batch window (seconds)', 'Campaign batch service', 'Save campaign reminders']) {
      expect(html).toContain(text);
    }
    // React renders attributes in prop order; match the inputs whatever the order.
    const input = (name: string) => html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`))?.[0] ?? '';
    expect(input('windowSeconds')).toMatch(/value="120"/);
    expect(input('windowSeconds')).toMatch(/max="86400"/);
    expect(input('campaignsService')).toMatch(/value="campaign-reminders"/);
    expect(html).toMatch(/<input[^>]*type="hidden"[^>]*name="batch"[^>]*value="on"/);
    // The section's checkbox: the last one before its label.
    const beforeLabel = html.slice(0, html.indexOf('Send abandoned-cart and replenishment reminders in batches'));
    expect([...beforeLabel.matchAll(/<input[^>]*type="checkbox"[^>]*>/g)].at(-1)?.[0]).toMatch(/checked=""/);
  });
});
