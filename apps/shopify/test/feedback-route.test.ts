import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action as feedbackCallback } from '../app/routes/exstream.feedback.tsx';
import { action as commerceWebhook } from '../app/routes/webhooks.commerce.tsx';
import { SHOP, eventually, responseOf, shopifyFixture, startAppHarness, webhookRequest, type AppHarness } from './helpers/app-harness.ts';

const FEEDBACK_SECRET = 'test-feedback-secret'; // the harness's engine feedbackSecret

function feedbackRequest(body: string, secret = FEEDBACK_SECRET, t = Math.floor(Date.now() / 1000)): Request {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return new Request('https://my-test-app.myshopify.io/exstream/feedback', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-exstream-connect-signature': `t=${t},v1=${v1}` },
    body,
  });
}

describe('Exstream delivery-feedback callback on the Shopify app', () => {
  let h: AppHarness;
  let storeId: string;
  let orderId: string;

  beforeAll(async () => {
    h = await startAppHarness({ worker: true });
    storeId = (await h.installShop(SHOP)).id;
    const body = await shopifyFixture('orders-create');
    orderId = String(JSON.parse(body).id);
    const response = await responseOf(() => commerceWebhook({ request: webhookRequest({ topic: 'orders/create', body }), params: {}, context: {} }));
    expect(response.status).toBe(200);
  });
  afterAll(async () => h?.close());

  const sentCommunication = () =>
    eventually(async () => {
      const rows = await h.db.prisma.communication.findMany({ where: { storeId, orderRef: orderId, status: 'sent' } });
      return rows[0] ?? null;
    }, 'a sent communication');

  it('GIVEN a signed "delivered" outcome WHEN posted THEN the timeline shows it', async () => {
    const sent = await sentCommunication();
    const body = JSON.stringify({ events: [{ idempotencyKey: sent.idempotencyKey, jobId: null, outcome: 'delivered', channel: 'email', at: new Date().toISOString(), detail: null }] });
    const response = await responseOf(() => feedbackCallback({ request: feedbackRequest(body), params: {}, context: {} }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { applied: number }).applied).toBe(1);
    const timeline = await h.engine.history.forOrder({ id: storeId }, orderId);
    const entry = timeline.find((e) => e.id === sent.id)!;
    expect(entry.status).toBe('delivered');
    expect(entry.statusHistory.map((s) => s.status)).toContain('delivered');
  });

  it('GIVEN a forged or stale signature WHEN posted THEN 401 and nothing changes', async () => {
    const before = await h.db.prisma.communicationEvent.count({ where: { storeId } });
    const body = JSON.stringify({ events: [{ idempotencyKey: 'anything', jobId: null, outcome: 'bounced', channel: 'email', at: new Date().toISOString(), detail: null }] });
    for (const request of [feedbackRequest(body, 'wrong-secret'), feedbackRequest(body, FEEDBACK_SECRET, Math.floor(Date.now() / 1000) - 3600)]) {
      const response = await responseOf(() => feedbackCallback({ request, params: {}, context: {} }));
      expect(response.status).toBe(401);
    }
    expect(await h.db.prisma.communicationEvent.count({ where: { storeId } })).toBe(before);
  });

  it('refuses other methods', async () => {
    const response = await responseOf(() =>
      feedbackCallback({ request: new Request('https://my-test-app.myshopify.io/exstream/feedback', { method: 'PUT', body: '{}' }), params: {}, context: {} }),
    );
    expect(response.status).toBe(405);
  });
});
