import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mapMagentoEvent, mapShopifyWebhook } from '@exstream-connect/core';
import { describe, expect, it } from 'vitest';
import { createPrng } from '../src/create-prng.ts';
import { FUZZ_TARGETS, generateMalformedRequest } from '../src/fuzz/generate-malformed-request.ts';
import { checkProblemNamed, fieldNamesOf } from '../src/fuzz/expect-problem-named.ts';
import { describeProblem } from '../src/fuzz/run-fuzz.ts';
import { buildMagentoEnvelope } from '../src/payloads/build-magento-envelope.ts';
import { buildShopifyOrder } from '../src/payloads/build-shopify-order.ts';
import { scanLogsForSecrets } from '../src/scan-logs-for-secrets.ts';
import { makeSessionToken, shopifyWebhookHmac, signMagentoRequest } from '../src/sign-requests.ts';
import { checkProducedDocuments, checkRepeatedCalls } from '../src/soak/check-exactly-once.ts';
import { generateSoakEvents } from '../src/soak/generate-soak-events.ts';
import type { KeyHistory } from '../src/soak/start-fault-proxy.ts';
import { percentile } from '../src/soak/percentile.ts';

describe('the harness itself', () => {
  it('same seed → same fuzz requests (failures reproduce)', () => {
    const run = (seed: number) => {
      const prng = createPrng(seed);
      return Array.from({ length: 200 }, (_, i) => generateMalformedRequest(prng, i, FUZZ_TARGETS[i % 4]!, { sandboxUrl: 'http://127.0.0.1:1' }));
    };
    const a = run(99);
    const b = run(99);
    expect(a.map((c) => c.body.toString('base64'))).toEqual(b.map((c) => c.body.toString('base64')));
    expect(run(100).map((c) => c.note)).not.toEqual(a.map((c) => c.note));
    expect(new Set(a.map((c) => c.category)).size).toBeGreaterThan(8);
  });

  it('every fuzz case carries what its 4xx must name, and webhook topics get payloads of their own shape', () => {
    const prng = createPrng(3);
    const cases = Array.from({ length: 400 }, (_, i) => generateMalformedRequest(prng, i, FUZZ_TARGETS[i % 4]!, { sandboxUrl: 'http://127.0.0.1:1' }));
    for (const c of cases) expect(c.expected.fields.length + c.expected.patterns.length, `#${c.index} ${c.category}`).toBeGreaterThan(0);
    const refund = cases.find((c) => c.topic === 'refunds/create' && c.category === 'wrong-type');
    expect(refund?.body.toString()).toContain('refund_line_items');
  });

  it('the payload builders produce events the product maps (so the soak tests delivery, not validation)', () => {
    for (const topic of ['orders/create', 'orders/paid', 'orders/cancelled']) {
      const kinds = mapShopifyWebhook(topic, buildShopifyOrder({ orderId: 1, orderNumber: 1, email: 'a@example.com', customerId: 1, cancelled: topic === 'orders/cancelled' }), { shopDomain: 'x.myshopify.com' }).events.map((e) => e.kind);
      expect(kinds).toHaveLength(1);
    }
    for (const event of ['order.placed', 'order.invoiced', 'creditmemo.created'] as const) {
      expect(mapMagentoEvent(buildMagentoEnvelope({ event, storeCode: 'default', orderEntityId: 3, email: 'b@example.com' })).events).toHaveLength(1);
    }
  });

  it('soak events: every event delivered 1–3 times, ids unique, deliveries shuffled', () => {
    const { events, deliveries } = generateSoakEvents(createPrng(5), 500, [
      { platform: 'shopify', storeKey: 'a.myshopify.com' },
      { platform: 'magento', storeKey: 'm', secret: 'secret-value-123456' },
    ]);
    expect(events).toHaveLength(500);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(500);
    const times = new Map<string, number>();
    for (const d of deliveries) times.set(d.event.eventId, (times.get(d.event.eventId) ?? 0) + 1);
    expect([...times.values()].every((n) => n >= 1 && n <= 3)).toBe(true);
    expect([...times.values()].some((n) => n > 1)).toBe(true);
    const firstIds = deliveries.slice(0, 20).map((d) => d.event.eventId);
    expect(firstIds).not.toEqual(events.slice(0, 20).map((e) => e.eventId));
  });

  it('signers follow the published schemes', () => {
    const header = signMagentoRequest('s3cret', { method: 'post', path: '/v1/events', body: '{}' }, 1700000000);
    expect(header).toBe(`t=1700000000,v1=${createHmac('sha256', 's3cret').update('1700000000.POST./v1/events.{}').digest('hex')}`);
    expect(shopifyWebhookHmac('k', 'body')).toBe(createHmac('sha256', 'k').update('body').digest('base64'));
    const [head, payload, signature] = makeSessionToken({ shop: 'a.myshopify.com', apiKey: 'key', secret: 'sec' }).split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ aud: 'key', dest: 'https://a.myshopify.com' });
    expect(signature).toBe(createHmac('sha256', 'sec').update(`${head}.${payload}`).digest('base64url'));
  });

  it('a 4xx must carry a JSON error that names the problem', () => {
    expect(describeProblem(400, '{"error":{"code":"VALIDATION_FAILED","message":"Invalid event: id: Required"}}')).toBeNull();
    expect(describeProblem(400, '')).toMatch(/empty/);
    expect(describeProblem(401, 'Unauthorized')).toMatch(/not JSON/);
    expect(describeProblem(400, '{"error":{}}')).toMatch(/names no problem/);
    expect(describeProblem(503, '{"error":{"message":"x"}}')).toMatch(/server error/);
    expect(describeProblem(202, '')).toBeNull();
  });

  it('"names the problem" means THIS request\'s field or problem, not just any message', () => {
    const field = { what: 'the field', fields: fieldNamesOf('entity.items[0].price'), patterns: [] };
    expect(field.fields).toEqual(['price']);
    expect(fieldNamesOf('order.items[2]')).toEqual(['items']);
    // Named in the message, or only in an issue path: both name it.
    expect(checkProblemNamed(field, 400, '{"error":{"code":"VALIDATION_FAILED","message":"Invalid Magento event: entity.items.0.price: Invalid input"}}')).toBeNull();
    expect(checkProblemNamed(field, 400, '{"error":{"message":"Invalid settings","issues":[{"path":"rules.0.price","message":"Required"}]}}')).toBeNull();
    // A message that only says something is wrong, or names another field, does not.
    expect(checkProblemNamed(field, 400, '{"error":{"message":"Invalid settings"}}')).toMatch(/does not name the field "price"/);
    expect(checkProblemNamed(field, 400, '{"error":{"message":"Invalid event: eventId: contains a NUL character"}}')).toMatch(/does not name/);
    // A whole word: "priceList" is not "price".
    expect(checkProblemNamed(field, 400, '{"error":{"message":"priceList: Invalid input"}}')).toMatch(/does not name/);
    const size = { what: 'the size limit', fields: [], patterns: ['limit', 'exceeds'] };
    expect(checkProblemNamed(size, 413, '{"error":{"message":"Request body exceeds the 1048576 byte limit."}}')).toBeNull();
    expect(checkProblemNamed(size, 400, '{"message":"Unknown action"}')).toMatch(/does not name the size limit/);
  });

  it('the log scan finds secrets and full emails, not masked ones', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'scan-')), 'a.log');
    writeFileSync(file, 'ok j***@example.com\nleak jane.doe@example.com\nkey=supersecretvalue\n');
    const leaks = scanLogsForSecrets([file], { 'api secret': 'supersecretvalue' });
    expect(leaks.map((l) => [l.line, l.kind])).toEqual([
      [2, 'email'],
      [3, 'secret'],
    ]);
    expect(JSON.stringify(leaks)).not.toContain('supersecretvalue');
  });

  it('soak, documents: one per produced communication, none for any other row, none without a row', () => {
    const rows = [
      { idempotencyKey: 'a', status: 'opened' },
      { idempotencyKey: 'b', status: 'bounced' },
      { idempotencyKey: 'c', status: 'skipped' },
    ];
    const clean = checkProducedDocuments({ a: 1, b: 1 }, rows);
    expect(clean).toMatchObject({ producedTotal: 2, producingRows: 2, producedTwice: [], orphanKeys: [], sharedKeys: [], missingDocuments: [], unexpectedDocuments: [] });
    // The sandbox dedupes by key, so a second document shows as a count of 2 only if dedupe broke;
    // a document for a key of no row, or for a skipped row, are caught on their own.
    const bad = checkProducedDocuments({ a: 2, c: 1, zombie: 1 }, [...rows, { idempotencyKey: 'a', status: 'failed' }]);
    expect(bad.producedTotal).toBe(4);
    expect(bad.producedTwice).toEqual(['a']);
    expect(bad.orphanKeys).toEqual(['zombie']);
    expect(bad.sharedKeys).toEqual(['a']);
    expect(bad.missingDocuments).toEqual(['a', 'b']);
    expect(bad.unexpectedDocuments).toEqual(['c (skipped)', 'a (failed)']);
  });

  it('soak, calls: a key may repeat only once per fault, 401 or crash that held it', () => {
    const h = (...outcomes: KeyHistory['outcomes']): KeyHistory => ({ requests: outcomes.length, outcomes, firstAt: 100, lastAt: 200 });
    const byKey = new Map<string, KeyHistory>([
      ['once', h(200)],
      ['after-500', h('500', 200)],
      ['after-lost', h('lost-response', 200)],
      ['after-401', h(401, 200)],
      ['held', h(200, 200)],
      ['held-but-thrice', h(200, 200, 200)],
      ['nothing', h(200, 200)],
      ['sandbox-500', h(500, 200)],
      // In sending at the crash, but both calls came after it: the crash cannot explain the repeat.
      ['held-but-later', { ...h(200, 200), firstAt: 160, lastAt: 180 }],
    ]);
    const result = checkRepeatedCalls(byKey, [{ what: 'SIGKILL', at: 150, keys: new Set(['held', 'held-but-thrice', 'held-but-later']) }]);
    expect(result).toMatchObject({ keys: 9, requests: 18, repeatedKeys: 8, repeats: 9, explainedBy: { fault: 2, heldAtCrash: 1, tokenRefresh: 1 } });
    // A 500 Exstream answered by itself is not a fault the run injected: it must be explained otherwise.
    expect(result.unexplained.map((u) => u.key)).toEqual(['held-but-thrice', 'nothing', 'sandbox-500', 'held-but-later']);
  });

  it('percentile uses the nearest rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(percentile([], 99)).toBe(0);
  });
});
