import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { createSecretBox, type Database } from '@exstream-connect/db';
import { createTestDatabase } from '@exstream-connect/db/testing';
import { createEngine, type Engine } from '@exstream-connect/engine';
import { startSandbox, type Sandbox } from '@exstream-connect/exstream-sandbox';
import { LOCAL_ENV_DEFAULTS, runRemixBuild, startShopifyApp, type ShopifyAppServer } from '../src/start-shopify-app.ts';
import { createWriteBackPort } from '../src/create-write-back-port.ts';
import { DEMO_SHOP, seedDemoShop } from '../src/seed-demo-shop.ts';
import { eventually, memoryLogger, shopifyFixture, type LogLine } from './helpers/app-harness.ts';

const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test-artifacts');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** toolchain.md: `apt-get install chromium` gives /usr/bin/chromium; CHROMIUM_PATH overrides it. */
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function chromiumMissingReason(): string | null {
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return null;
  } catch {
    return `browser.test.ts: no executable Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  }
}
const chromiumMissing = chromiumMissingReason();

/**
 * A browser test: without Chromium it is skipped, and the reason goes into test-artifacts/
 * results.json (`skippedReason`, via test/helpers/results-json-reporter.ts), which
 * scripts/report-test-results.mjs prints. With Chromium it always runs.
 */
const browserIt = (name: string, run: (ctx: TestContext) => Promise<void>) =>
  it(name, async (ctx) => {
    if (chromiumMissing) {
      ctx.task.meta.skippedReason = chromiumMissing;
      ctx.skip(chromiumMissing);
    }
    await run(ctx);
  });

describe('Local mode in a real browser (headless Chromium)', () => {
  let db: Database;
  let engine: Engine;
  let sandbox: Sandbox;
  let app: ShopifyAppServer;
  let browser: Browser;
  let dir: string;
  const logs: LogLine[] = [];

  beforeAll(async () => {
    if (chromiumMissing) return;
    // The test serves the production build, so build the current sources first.
    await runRemixBuild();
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'shopify-browser-'));
    sandbox = await startSandbox({ port: 0, dataDir: path.join(dir, 'sandbox') });
    engine = await createEngine({
      db,
      secretBox: createSecretBox(randomBytes(32)),
      documentsDir: path.join(dir, 'documents'),
      pollIntervalMs: 100,
      writeBack: { shopify: createWriteBackPort() },
    });
    await engine.startWorker();
    app = await startShopifyApp({ engine, db, port: 0, env: { SHOPIFY_LOCAL_MODE: '1' }, exportsDir: path.join(dir, 'exports'), logger: memoryLogger(logs), buildIfMissing: false });
    await seedDemoShop(engine, { sandboxUrl: sandbox.url, tokenUrl: sandbox.tokenUrl });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS /* playwright gives every launch a fresh profile */ });
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await engine?.stop();
    await sandbox?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  browserIt('GIVEN local mode THEN /healthz answers', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, localMode: true });
  });

  browserIt('GIVEN Settings WHEN a template rule is created THEN it is saved and wins the preview; AFTER a signed webhook the communication appears in Communications and on the Dashboard', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 }, acceptDownloads: true });
    // Shopify's CDN is unreachable here and must not be needed: every request to it is refused
    // and recorded, so App Bridge can only come from the app's own wiring (app.tsx's loader hands
    // AppProvider `/local/app-bridge.js` in local mode).
    const cdnRequests: string[] = [];
    await page.route('https://cdn.shopify.com/**', (route) => {
      cdnRequests.push(route.request().url());
      return route.abort();
    });
    const appBridgeLoads: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/local/app-bridge.js') appBridgeLoads.push(response.status());
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    const settings = await page.goto(`${app.url}/app/settings`);
    expect(await settings!.text()).toMatch(/<script src="\/local\/app-bridge\.js" data-api-key="local-dev-shopify-key">/);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    expect(appBridgeLoads).toEqual([200]);
    expect(cdnRequests.filter((url) => url.includes('app-bridge'))).toEqual([]);
    expect(await page.evaluate(() => typeof (window as unknown as { shopify?: { toast?: { show?: unknown } } }).shopify?.toast?.show)).toBe('function');
    const rulesBefore = await page.getByTestId('rule-row').count();
    expect(rulesBefore).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Add rule' }).click();
    const newRule = page.getByTestId('rule-row').last();
    await newRule.getByLabel('Locale').fill('de');
    await newRule.getByLabel('Communication').fill('order-confirmation-de');
    await newRule.getByLabel('Template version').fill('7');
    // The demo shop already has a German rule (priority 0): the merchant's outranks it.
    await newRule.getByLabel('Priority').fill('5');
    await page.getByRole('button', { name: 'Save rules' }).click();
    // The toast comes from App Bridge's shopify.toast, i.e. from the script the app served.
    await page.getByRole('status').filter({ hasText: 'Template rules saved' }).waitFor({ timeout: 15_000 });

    const store = (await engine.stores.find('shopify', DEMO_SHOP))!;
    const rules = (await engine.settings.get(store)).rules;
    expect(rules).toHaveLength(rulesBefore + 1);
    expect(rules).toContainEqual(expect.objectContaining({ locale: 'de', communicationId: 'order-confirmation-de', templateVersion: '7', priority: 5 }));

    // "Which rule wins" for a German sample order: the rule just created (v7), not the seeded one.
    await page.getByLabel('Customer locale').fill('de-DE');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const winner = page.getByText('Winner: Order confirmation via email');
    await winner.waitFor({ timeout: 15_000 });
    await expect(page.getByText(/locale de · template v7 · order-confirmation-de/).innerText()).resolves.toMatch(/template v7/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'shopify-settings.png'), fullPage: true });

    // A German order, signed with the local app secret exactly as Shopify signs deliveries.
    const order = JSON.parse(await shopifyFixture('orders-create'));
    order.id = 5509990000001;
    order.name = '#2001';
    order.customer_locale = 'de-DE';
    const body = JSON.stringify(order);
    const hmac = createHmac('sha256', LOCAL_ENV_DEFAULTS.SHOPIFY_API_SECRET).update(body).digest('base64');
    const delivery = await fetch(`${app.url}/webhooks/commerce`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Shopify-Hmac-Sha256': hmac,
        'X-Shopify-Topic': 'orders/create',
        'X-Shopify-Shop-Domain': DEMO_SHOP,
        'X-Shopify-API-Version': '2026-04',
        'X-Shopify-Webhook-Id': randomUUID(),
        'X-Shopify-Event-Id': randomUUID(),
      },
      body,
    });
    expect(delivery.status).toBe(200);
    await eventually(async () => (await engine.history.forOrder(store, String(order.id))).some((e) => e.status !== 'queued'), 'the communication processed');

    await page.goto(`${app.url}/app/communications?order=${order.id}`);
    await page.getByRole('heading', { name: 'Communications' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: '#2001' });
    await row.first().waitFor();
    await expect(row.first().innerText()).resolves.toMatch(/Order confirmation/);
    await expect(row.first().innerText()).resolves.toMatch(/v7/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'shopify-communications.png'), fullPage: true });

    // Export CSV is fetched with the session token and handed over as a file (no navigation).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^communications-demo-shop-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv).toContain(String(order.id));
    expect(page.url()).toContain('/app/communications');

    // Dashboard: the same numbers the engine reports for today.
    const stats = await engine.history.stats(store);
    await page.goto(`${app.url}/app`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    const metric = (label: string) => page.getByRole('heading', { name: label }).locator('xpath=following-sibling::*[1]').innerText();
    await expect(metric('Communications today')).resolves.toBe(String(stats.today));
    await expect(metric('Failure rate')).resolves.toBe(`${(stats.failureRate * 100).toFixed(1)} %`);
    await page.getByRole('heading', { name: 'Last errors' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'shopify-dashboard.png'), fullPage: true });

    expect(cdnRequests.filter((url) => url.includes('app-bridge'))).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  browserIt('GIVEN a B2B order last month WHEN "Run now for last period" is clicked in Settings THEN the run\'s progress bar, fed by polling, fills up to sent', async () => {
    // The demo shop's seed turned statements on (statements service, statement rules). One order of
    // company 7001, dated in the month that closed last, delivered as a signed webhook.
    const store = (await engine.stores.find('shopify', DEMO_SHOP))!;
    const now = new Date();
    const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 12, 10)).toISOString();
    const order = { ...JSON.parse(await shopifyFixture('orders-create')), id: 5509990000777, name: '#2777', created_at: at, updated_at: at, company: { id: 7001, location_id: 7101 } };
    const body = JSON.stringify(order);
    const delivery = await fetch(`${app.url}/webhooks/commerce`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Shopify-Hmac-Sha256': createHmac('sha256', LOCAL_ENV_DEFAULTS.SHOPIFY_API_SECRET).update(body).digest('base64'),
        'X-Shopify-Topic': 'orders/create',
        'X-Shopify-Shop-Domain': DEMO_SHOP,
        'X-Shopify-API-Version': '2026-04',
        'X-Shopify-Webhook-Id': randomUUID(),
        'X-Shopify-Event-Id': randomUUID(),
      },
      body,
    });
    expect(delivery.status).toBe(200);
    await eventually(async () => (await engine.history.forOrder(store, String(order.id))).some((e) => e.status !== 'queued'), 'the B2B order processed');

    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${app.url}/app/settings`);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await expect(page.getByLabel('IBAN').inputValue()).resolves.toBe('DE89370400440532013000');
    await page.getByRole('button', { name: 'Run now for last period' }).click();
    await page.getByRole('status').filter({ hasText: 'Statement run started for' }).waitFor({ timeout: 15_000 });
    // No reload: only the card's own polling of /app/statement-runs can bring the final state.
    const run = page.getByTestId('statement-run').first();
    await run.filter({ hasText: '1 statement sent' }).waitFor({ timeout: 30_000 });
    await expect(run.locator('progress').getAttribute('value')).resolves.toBe('100');
    await expect(run.innerText()).resolves.toMatch(/Started here[\s\S]*Sent/);
    await run.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'shopify-statements.png'), fullPage: true });
    const rows = await db.prisma.communication.findMany({ where: { storeId: store.id, documentType: 'account_statement' } });
    expect(rows.map((r) => [r.channel, r.status]).sort()).toEqual([['email', 'sent'], ['print', 'sent']]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  browserIt('GIVEN Settings WHEN batched campaign reminders are enabled without a batch service THEN the engine\'s reason shows on the checkbox; AFTER a campaign batch service is saved THEN batching and its window are saved and shown after a reload', async () => {
    // The demo shop's connection names a statements service only: no batch service for reminders.
    const store = (await engine.stores.find('shopify', DEMO_SHOP))!;
    const before = await engine.settings.get(store);
    expect(before.connection?.serviceNames).not.toHaveProperty('campaigns');
    expect(before.connection?.serviceNames).not.toHaveProperty('batch');
    expect(before.campaigns).toEqual({ batch: false, windowSeconds: 300 });

    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${app.url}/app/settings`);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    const batched = page.getByLabel('Send abandoned-cart and replenishment reminders in batches');
    const windowField = page.getByLabel('Batch window (seconds)');
    await expect(batched.isChecked()).resolves.toBe(false);
    await expect(windowField.inputValue()).resolves.toBe('300');

    await batched.check();
    await windowField.fill('120');
    await page.getByRole('button', { name: 'Save campaign reminders' }).click();
    // The engine's validation answer, shown under the checkbox it names (a 400, not an error page).
    const reason = page.getByText('batched reminders need a batch service', { exact: false });
    await reason.waitFor({ timeout: 15_000 });
    await expect(batched.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await batched.getAttribute('aria-describedby')) ?? '';
    await expect(page.locator(`[id="${describedBy}"]`).innerText()).resolves.toMatch(/batched reminders need a batch service/);
    expect((await engine.settings.get(store)).campaigns).toEqual({ batch: false, windowSeconds: 300 });

    await page.getByLabel('Campaign batch service').fill('campaign-reminders');
    await page.getByRole('button', { name: 'Save connection' }).click();
    await page.getByRole('status').filter({ hasText: 'Exstream connection saved' }).waitFor({ timeout: 15_000 });
    // The card still holds what was typed: saving again now succeeds and clears the error.
    await page.getByRole('button', { name: 'Save campaign reminders' }).click();
    await page.getByRole('status').filter({ hasText: 'Campaign reminder settings saved' }).waitFor({ timeout: 15_000 });
    await expect(reason.count()).resolves.toBe(0);
    const after = await engine.settings.get(store);
    expect(after.campaigns).toEqual({ batch: true, windowSeconds: 120 });
    expect(after.connection?.serviceNames).toEqual({ ...before.connection?.serviceNames, campaigns: 'campaign-reminders' });

    await page.reload();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await expect(batched.isChecked()).resolves.toBe(true);
    await expect(windowField.inputValue()).resolves.toBe('120');
    await expect(page.getByLabel('Campaign batch service').inputValue()).resolves.toBe('campaign-reminders');
    await batched.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'shopify-campaigns.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  browserIt('GIVEN Settings WHEN replenishment reminders are ticked and an interval row is added, filled and saved THEN a bad day count shows on its row; AFTER a valid one the toast shows and the values persist after a reload', async () => {
    const store = (await engine.stores.find('shopify', DEMO_SHOP))!;
    expect((await engine.settings.get(store)).replenishment).toEqual({ enabled: false, intervals: [] });

    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${app.url}/app/settings`);
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    const remind = page.getByLabel('Remind customers to reorder');
    const rows = page.getByTestId('replenishment-row');
    await expect(remind.isChecked()).resolves.toBe(false);
    await expect(rows.count()).resolves.toBe(0);

    await remind.check();
    await page.getByRole('button', { name: 'Add interval' }).click();
    await rows.last().getByLabel('SKU prefix').fill('VIT-');
    const days = rows.last().getByLabel('Days after the order');
    await days.fill('0');
    // A row left blank is dropped, not posted: the engine's row indices stay the editor's.
    await page.getByRole('button', { name: 'Add interval' }).click();
    await page.getByRole('button', { name: 'Save replenishment reminders' }).click();
    await page.getByRole('status').filter({ hasText: 'Invalid settings' }).waitFor({ timeout: 15_000 });
    await expect(rows.count()).resolves.toBe(1);
    // The engine's issue on replenishment.intervals.0.days, under that row's field.
    await expect(days.getAttribute('aria-invalid')).resolves.toBe('true');
    expect((await engine.settings.get(store)).replenishment).toEqual({ enabled: false, intervals: [] });

    await days.fill('30');
    await page.getByRole('button', { name: 'Save replenishment reminders' }).click();
    await page.getByRole('status').filter({ hasText: 'Replenishment reminder settings saved' }).waitFor({ timeout: 15_000 });
    await expect(days.getAttribute('aria-invalid')).resolves.not.toBe('true');
    expect((await engine.settings.get(store)).replenishment).toEqual({ enabled: true, intervals: [{ skuPrefix: 'VIT-', days: 30 }] });

    await page.reload();
    await page.getByRole('heading', { name: 'Settings' }).waitFor();
    await expect(remind.isChecked()).resolves.toBe(true);
    await expect(rows.count()).resolves.toBe(1);
    await expect(rows.first().getByLabel('SKU prefix').inputValue()).resolves.toBe('VIT-');
    await expect(rows.first().getByLabel('Days after the order').inputValue()).resolves.toBe('30');
    await remind.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'shopify-replenishment.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
