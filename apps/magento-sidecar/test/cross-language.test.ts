import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MAGENTO_SECRET, DEMO_MAGENTO_STORE_KEY, seedDemoMagentoStore } from '../src/seed-demo-store.ts';
import { CONSENT_ORDERS, hasEveryConsentChange, postConsentOrders, readFeedUntil } from './helpers/consent-flow.ts';
import { startStack, type Stack } from './helpers/start-stack.ts';

// The Magento module's REAL PHP code (SidecarClient signing over curl, PayloadBuilder, the
// FeedbackPull cron and FeedbackApplier) against the REAL sidecar, engine and sandbox over loopback
// HTTP. Needs php with the curl extension; CI installs it (.ci/run). Without it this suite is
// skipped and the reason lands in test-artifacts/results.json (`skippedReason`), which the root
// test summary prints.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const LIFECYCLE_SCRIPT = path.join(ROOT, 'apps/magento-module/Test/Integration/post-lifecycle.php');
const FEEDBACK_SCRIPT = path.join(ROOT, 'apps/magento-module/Test/Integration/pull-feedback.php');
const FIXTURES = path.join(ROOT, 'packages/core/test/fixtures/magento');

const php = spawnSync('php', ['-r', 'echo function_exists("curl_init") ? "yes" : "no";'], { encoding: 'utf8' });
const phpReady = php.status === 0 && php.stdout.trim() === 'yes';
const SKIPPED_REASON = php.error
  ? 'cross-language suite: php is not installed (apt-get install php-cli php-curl)'
  : 'cross-language suite: the php curl extension is missing (apt-get install php-curl)';

type Entry = { id: string; documentType: string; channel: string; status: string; createdAt: string; hasDocument: boolean };
type PhpLifecycle = {
  healthz: unknown;
  posted: Array<{ event: string; status: number }>;
  timeline: Entry[];
};
type PhpFeedback = { applied: number; cursor: string | null; actions: Array<Record<string, unknown>> };

/** Runs a PHP script asynchronously: a blocking spawn would starve the in-process sidecar. */
function runPhp(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('php', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('PHP module → sidecar → engine → sandbox', { skip: !phpReady, meta: phpReady ? {} : { skippedReason: SKIPPED_REASON } }, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ name: 'pglite' });
    await seedDemoMagentoStore(stack.engine, { sandboxUrl: stack.sandbox.url, tokenUrl: stack.sandbox.tokenUrl });
  });
  afterAll(async () => stack?.close());

  it('signs and posts order → invoice → shipment with track → credit memo, and reads the timeline back in the sidecar\'s order', async () => {
    const result = await runPhp(LIFECYCLE_SCRIPT, [stack.url, DEMO_MAGENTO_STORE_KEY, DEMO_MAGENTO_SECRET, FIXTURES, '--wait=90', '--min-entries=4']);
    expect(result.code, result.stderr).toBe(0);
    const outcome = JSON.parse(result.stdout) as PhpLifecycle;

    // Every post was accepted by the sidecar's signature check and intake.
    expect(outcome.posted.map((p) => p.event)).toEqual(['order.placed', 'order.invoiced', 'shipment.created', 'creditmemo.created']);
    for (const post of outcome.posted) expect(post.status, post.event).toBe(202);

    // The PHP client prints the timeline exactly as the sidecar returned it (no re-sorting on the
    // PHP side): oldest first, in lifecycle order.
    const types = outcome.timeline.map((t) => t.documentType);
    for (const type of ['order_confirmation', 'invoice', 'shipping_notice', 'credit_memo']) expect(types).toContain(type);
    expect(types.indexOf('order_confirmation')).toBeLessThan(types.indexOf('invoice'));
    expect(types.indexOf('invoice')).toBeLessThan(types.indexOf('shipping_notice'));
    expect(types.indexOf('shipping_notice')).toBeLessThan(types.indexOf('credit_memo'));
    const created = outcome.timeline.map((t) => t.createdAt);
    expect(created).toEqual([...created].sort());
    const sidecarOrder = ((await (await stack.client(DEMO_MAGENTO_STORE_KEY, DEMO_MAGENTO_SECRET)('GET', '/v1/orders/000000142/communications')).json()) as { items: Entry[] }).items;
    expect(outcome.timeline.map((t) => t.id)).toEqual(sidecarOrder.slice(0, outcome.timeline.length).map((t) => t.id));
    expect(outcome.timeline.filter((t) => t.hasDocument).length).toBeGreaterThanOrEqual(4);

    // The module's store view allows email only (Channels = email in the PHP runner): the demo
    // rules' print invoice and credit memo are not produced for it.
    expect(sidecarOrder.map((t) => t.channel)).not.toContain('print');
    expect(sidecarOrder.filter((t) => t.documentType === 'invoice').map((t) => t.channel)).toEqual(['email']);

    // The PHP PayloadBuilder read the fixtures' catalog (Test/fixtures/catalog/core.json) and sent
    // the items' facts: the engine's order lines carry the configured product type.
    const placed = await stack.db.prisma.inboundEvent.findFirstOrThrow({ where: { store: { externalKey: DEMO_MAGENTO_STORE_KEY }, topic: 'order.placed', orderRef: '000000142' } });
    const lines = (placed.payload as { events: Array<{ order: { lines: Array<{ sku: string; productType: string | null; attributeSet: string | null }> } }> }).events[0]!.order.lines;
    expect(lines.map((l) => [l.sku, l.productType, l.attributeSet])).toEqual([['JKT-HIVER-M', 'Manteau', "Vêtements d'hiver"], ['WRN-GANT-01', 'Gants', 'Accessoires']]);

    // What the sandbox received carried our idempotency keys, one document each.
    const produced = Object.values(stack.sandbox.countByIdempotencyKey());
    expect(produced.length).toBeGreaterThanOrEqual(4);
    expect(produced.every((count) => count === 1)).toBe(true);
  });

  it('is refused by the sidecar when the PHP client signs with the wrong secret: all four posts 401', async () => {
    const result = await runPhp(LIFECYCLE_SCRIPT, [stack.url, DEMO_MAGENTO_STORE_KEY, 'not-the-secret', FIXTURES, '--id-suffix=-wrong']);
    expect(result.code).toBe(1);
    const outcome = JSON.parse(result.stdout) as PhpLifecycle;
    expect(outcome.posted.map((p) => p.event)).toEqual(['order.placed', 'order.invoiced', 'shipment.created', 'creditmemo.created']);
    expect(outcome.posted.map((p) => p.status)).toEqual([401, 401, 401, 401]);
  });

  it('applies real opt-outs and a bounce from the sidecar feed through the module\'s FeedbackPull and FeedbackApplier', async () => {
    const signedFetch = stack.client(DEMO_MAGENTO_STORE_KEY, DEMO_MAGENTO_SECRET);
    await postConsentOrders(signedFetch);
    // The feed trails until older writing transactions end: wait until it holds everything, so
    // the one PHP pull below sees it all.
    await readFeedUntil(signedFetch, hasEveryConsentChange, 'opt-outs and a bounce in the feed');

    const [customer, guest, bounce] = CONSENT_ORDERS;
    // A Magento installation with three store views in three websites; the opted-out customer's
    // store view is NOT the first one, and the guest's website is not the first one's.
    const harness = {
      stores: [
        { id: 1, code: 'default', website_id: 1 },
        { id: 2, code: 'ca_fr', website_id: 2 },
        { id: 3, code: 'bg_bg', website_id: 3 },
      ],
      orders: CONSENT_ORDERS.map((o) => ({ entity_id: o.entityId, increment_id: o.incrementId, store_id: o.storeCode === 'ca_fr' ? 2 : 3 })),
      guests: [{ email: guest.email, website_id: 3, status: 1 }],
    };
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pull-feedback-'));
    try {
      const file = path.join(dir, 'harness.json');
      await writeFile(file, JSON.stringify(harness));
      const result = await runPhp(FEEDBACK_SCRIPT, [stack.url, DEMO_MAGENTO_STORE_KEY, DEMO_MAGENTO_SECRET, file]);
      expect(result.code, result.stderr).toBe(0);
      const outcome = JSON.parse(result.stdout) as PhpFeedback;

      // The registered customer is unsubscribed in store view ca_fr (id 2), by customer id.
      expect(outcome.actions).toContainEqual({ action: 'unsubscribeCustomer', customerId: customer.customerId, storeId: 2 });
      // The guest's subscription is found by the full address in the website of bg_bg (3) and ended.
      expect(outcome.actions).toContainEqual({ action: 'loadSubscriber', email: guest.email, websiteId: 3 });
      expect(outcome.actions).toContainEqual({ action: 'unsubscribeGuest', email: guest.email, websiteId: 3 });
      // The bounce changes no subscription; the bounced order confirmation becomes one order comment.
      expect(outcome.actions.filter((a) => a.customerId === bounce.customerId)).toEqual([]);
      const comments = outcome.actions.filter((a) => a.action === 'orderComment');
      expect(comments).toEqual([
        { action: 'orderComment', orderId: bounce.entityId, comment: 'Exstream: order confirmation (email) bounced - 550 5.1.1 mailbox unavailable (sandbox: +bounce address)', customerNotified: 0, visibleOnFront: 0 },
      ]);
      expect(outcome.applied).toBe(3);
      expect(outcome.cursor).toMatch(/^\d+-\d+\.\d+-\d+$/);
      // The module's logs mask every address.
      for (const order of CONSENT_ORDERS) expect(result.stderr).not.toContain(order.email);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
