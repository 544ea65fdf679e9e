import { ZFeedbackPage, type FeedbackItem } from '@exstream-connect/engine';
import { expect } from 'vitest';
import { json } from './signed-client.ts';
import { eventually, loadEnvelope } from './start-stack.ts';

type SignedFetch = (method: string, path: string, options?: { body?: string }) => Promise<Response>;

/**
 * Orders whose recipients the Exstream sandbox answers with an opt-out or a bounce (`+optout` /
 * `+bounce` addresses), so the engine records real consent changes from real delivery feedback.
 */
export const CONSENT_ORDERS = [
  // A registered customer (id 88) of store view ca_fr unsubscribes.
  { name: 'customer-opt-out', fixture: '01-order-placed', entityId: 901, incrementId: '000000901', customerId: 88, email: 'elodie.tremblay+optout@example.ca', storeCode: 'ca_fr' },
  // A guest of store view bg_bg (another website) unsubscribes.
  { name: 'guest-opt-out', fixture: '11-order-placed-guest', entityId: 902, incrementId: '000000902', customerId: null, email: 'maria.petrova+optout@example.bg', storeCode: 'bg_bg' },
  // A registered customer's mailbox does not exist.
  { name: 'customer-bounce', fixture: '01-order-placed', entityId: 903, incrementId: '000000903', customerId: 89, email: 'jules.roy+bounce@example.ca', storeCode: 'ca_fr' },
] as const;

/** Posts the three orders (signed, like the module) and expects each accepted. */
export async function postConsentOrders(signedFetch: SignedFetch): Promise<void> {
  for (const order of CONSENT_ORDERS) {
    const envelope = await loadEnvelope(order.fixture);
    const entity = { ...(envelope.entity as Record<string, unknown>), entity_id: order.entityId, increment_id: order.incrementId, customer_email: order.email };
    if (order.customerId !== null) Object.assign(entity, { customer_id: order.customerId, customer_is_guest: 0 });
    const body = json({ ...envelope, id: `consent:${order.name}:1`, entity });
    const response = await signedFetch('POST', '/v1/events', { body });
    expect(response.status, `${order.name}: ${await response.clone().text()}`).toBe(202);
  }
}

/**
 * Pages GET /v1/feedback from the start until `done` holds for what was read; every page must
 * match the documented schema (ZFeedbackPage) exactly.
 */
export async function readFeedUntil(signedFetch: SignedFetch, done: (items: FeedbackItem[]) => boolean, what: string): Promise<FeedbackItem[]> {
  const items: FeedbackItem[] = [];
  let cursor: string | undefined;
  await eventually(async () => {
    for (;;) {
      const response = await signedFetch('GET', `/v1/feedback?limit=50${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
      expect(response.status).toBe(200);
      const page = ZFeedbackPage.parse(await response.json());
      items.push(...page.items);
      if (page.items.length === 0 || page.nextCursor === cursor) break;
      cursor = page.nextCursor;
    }
    return done(items) || null;
  }, what, 60_000);
  return items;
}

/** True once the feed holds both opt-outs and the bounce (status and consent). */
export function hasEveryConsentChange(items: FeedbackItem[]): boolean {
  const consent = items.filter((i) => i.type === 'consent_changed');
  return (
    consent.filter((i) => i.state === 'opted_out').length >= 2
    && consent.some((i) => i.state === 'bounced')
    && items.some((i) => i.type === 'communication_status' && i.status === 'bounced')
  );
}
