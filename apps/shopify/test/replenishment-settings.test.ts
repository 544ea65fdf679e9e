import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action as settingsAction, loader as settingsLoader } from '../app/routes/app.settings.tsx';
import { SHOP, authed, form, run, startAppHarness, type AppHarness } from './helpers/app-harness.ts';
import { renderAdminPage } from './helpers/remix-request-handler.ts';

const savedSettings = async () => (await (await run(settingsLoader, authed('/app/settings'))).json()).settings;
const paths = (body: { issues: Array<{ path: string }> }) => body.issues.map((issue) => issue.path);

/**
 * The Replenishment reminders section as the page posts it: the rows as one JSON field, day counts
 * as typed (text), blank rows already dropped; an unchecked box posts no `enabled` field.
 */
const intervalsForm = (intervals: unknown[], enabled = true) => ({ intent: 'replenishment', ...(enabled ? { enabled: 'on' } : {}), intervals: JSON.stringify(intervals) });
const SAVED = { enabled: true, intervals: [{ skuPrefix: 'VIT-', days: 30 }, { skuPrefix: 'VIT-XL-', days: 90 }] };

describe('Settings: replenishment reminders section', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startAppHarness();
    await h.installShop(SHOP);
  });
  afterAll(async () => h?.close());

  it('GIVEN the defaults WHEN reminders are enabled with two intervals THEN 200 and the loader returns them (prefix trimmed, days as numbers); unchecking turns them off and keeps the intervals', async () => {
    expect((await savedSettings()).replenishment).toEqual({ enabled: false, intervals: [] });

    const saved = await run(settingsAction, authed('/app/settings', form(intervalsForm([{ skuPrefix: ' VIT- ', days: '30' }, { skuPrefix: 'VIT-XL-', days: '90' }]))));
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({ intent: 'replenishment', ok: true, message: 'Replenishment reminder settings saved' });
    expect((await savedSettings()).replenishment).toEqual(SAVED);

    // An unchecked Polaris checkbox posts nothing: that is "off", not "unchanged".
    expect((await run(settingsAction, authed('/app/settings', form(intervalsForm(SAVED.intervals, false))))).status).toBe(200);
    expect((await savedSettings()).replenishment).toEqual({ ...SAVED, enabled: false });
    // Day counts already numbers (a hand-made post) are taken as they are.
    expect((await run(settingsAction, authed('/app/settings', form(intervalsForm(SAVED.intervals))))).status).toBe(200);
    expect((await savedSettings()).replenishment).toEqual(SAVED);
  });

  it('GIVEN saved intervals WHEN a list naming one SKU prefix twice is saved THEN 400 with the engine\'s list-level issue, and nothing changes', async () => {
    const refused = await run(settingsAction, authed('/app/settings', form(intervalsForm([{ skuPrefix: 'COF-', days: '14' }, { skuPrefix: 'COF-', days: '28' }]))));
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body).toMatchObject({ intent: 'replenishment', ok: false, issues: [{ path: 'replenishment.intervals', message: 'each SKU prefix may appear once' }] });
    expect(paths(body)).toEqual(['replenishment.intervals']);
    expect((await savedSettings()).replenishment).toEqual(SAVED);
  });

  it.each([
    ['zero', '0'],
    ['over two years', '731'],
    ['not whole', '1.5'],
    ['blank', ''],
    ['not a number', 'abc'],
  ])('GIVEN a day count that is %s WHEN saved THEN 400 naming replenishment.intervals.0.days, and nothing changes', async (_what, days) => {
    const refused = await run(settingsAction, authed('/app/settings', form(intervalsForm([{ skuPrefix: 'VIT-', days }]))));
    expect(refused.status).toBe(400);
    expect(paths(await refused.json())).toEqual(['replenishment.intervals.0.days']);
    expect((await savedSettings()).replenishment).toEqual(SAVED);
  });

  it('GIVEN a blank SKU prefix in the second row WHEN saved THEN 400 naming replenishment.intervals.1.skuPrefix', async () => {
    const refused = await run(settingsAction, authed('/app/settings', form(intervalsForm([{ skuPrefix: 'VIT-', days: '30' }, { skuPrefix: '  ', days: '30' }]))));
    expect(refused.status).toBe(400);
    expect(paths(await refused.json())).toEqual(['replenishment.intervals.1.skuPrefix']);
    expect((await savedSettings()).replenishment).toEqual(SAVED);
  });

  it.each([
    ['not JSON', '[{"skuPrefix":'],
    ['an object, not a list', '{"skuPrefix":"VIT-","days":30}'],
    ['a list of strings', '["VIT-"]'],
    ['JSON null', 'null'],
  ])('GIVEN an intervals field that is %s WHEN saved THEN 400 (never a 500) naming replenishment.intervals, and nothing changes', async (_what, intervals) => {
    const refused = await run(settingsAction, authed('/app/settings', form({ intent: 'replenishment', enabled: 'on', intervals })));
    expect(refused.status).toBe(400);
    const body = await refused.json();
    expect(body).toMatchObject({ intent: 'replenishment', ok: false, issues: [{ path: 'replenishment.intervals', message: expect.stringContaining('Expected a JSON array of intervals') }] });
    expect(paths(body)).toEqual(['replenishment.intervals']);
    expect((await savedSettings()).replenishment).toEqual(SAVED);
  });

  it('GIVEN no intervals field at all WHEN saved THEN 400 naming replenishment.intervals (the list is replaced, never guessed)', async () => {
    const refused = await run(settingsAction, authed('/app/settings', form({ intent: 'replenishment', enabled: 'on' })));
    expect(refused.status).toBe(400);
    expect(paths(await refused.json())).toEqual(['replenishment.intervals']);
    expect((await savedSettings()).replenishment).toEqual(SAVED);
  });

  it('GIVEN saved reminders WHEN the Settings document is rendered by Remix THEN the card follows Campaign reminders and shows them: box checked, one row per interval with its values', async () => {
    const { status, html } = await renderAdminPage('/app/settings');
    expect(status).toBe(200);
    const campaigns = html.indexOf('Save campaign reminders');
    const start = html.indexOf('Replenishment reminders', campaigns);
    const end = html.indexOf('Save replenishment reminders', start);
    expect(campaigns).toBeGreaterThan(-1);
    expect(start).toBeGreaterThan(campaigns);
    expect(end).toBeGreaterThan(start);
    expect(html.indexOf('Statements', end)).toBeGreaterThan(end);
    const card = html.slice(start, end);
    for (const text of ['Remind customers to reorder', 'longest matching prefix wins', 'replenishment.due', 'Requires a template rule for replenishment reminders', 'are not reminded', 'SKU prefix', 'Days after the order', 'Add interval']) {
      expect(card).toContain(text);
    }
    // The section's checkbox: the last one before its label.
    const beforeLabel = card.slice(0, card.indexOf('Remind customers to reorder'));
    expect([...beforeLabel.matchAll(/<input[^>]*type="checkbox"[^>]*>/g)].at(-1)?.[0]).toMatch(/checked=""/);
    expect(card).toMatch(/<input[^>]*type="hidden"[^>]*name="enabled"[^>]*value="on"/);
    expect(card.match(/data-testid="replenishment-row"/g)).toHaveLength(2);
    // React renders attributes in prop order; match the inputs whatever the order.
    const inputs = [...card.matchAll(/<input[^>]*>/g)].map((m) => m[0]);
    const withValue = (value: string) => inputs.filter((input) => input.includes(`value="${value}"`));
    expect(withValue('VIT-')).toHaveLength(1);
    expect(withValue('VIT-XL-')).toHaveLength(1);
    for (const days of ['30', '90']) {
      expect(withValue(days)).toHaveLength(1);
      expect(withValue(days)[0]).toMatch(/type="number"/);
      expect(withValue(days)[0]).toMatch(/max="730"/);
    }
    const hidden = inputs.find((input) => /name="intervals"/.test(input)) ?? '';
    const posted = JSON.parse((hidden.match(/value="([^"]*)"/)?.[1] ?? '').replaceAll('&quot;', '"'));
    expect(posted).toEqual([{ skuPrefix: 'VIT-', days: '30' }, { skuPrefix: 'VIT-XL-', days: '90' }]);
  });
});
