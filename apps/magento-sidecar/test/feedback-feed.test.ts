import { readFile } from 'node:fs/promises';
import { ZFeedbackItem, ZFeedbackPage } from '@exstream-connect/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MAGENTO_SECRET, DEMO_MAGENTO_STORE_KEY, seedDemoMagentoStore } from '../src/seed-demo-store.ts';
import { CONSENT_ORDERS, hasEveryConsentChange, postConsentOrders, readFeedUntil } from './helpers/consent-flow.ts';
import { startStack, type Stack } from './helpers/start-stack.ts';

/** The feed page the PHP module's FeedbackApplierTest runs on (apps/magento-module owns the file). */
const SHARED_PAGE = new URL('../../magento-module/Test/fixtures/feedback/feed-page.json', import.meta.url);

describe('the feedback feed item shape shared with the PHP module', () => {
  it("validates the module's fixture page against ZFeedbackPage", async () => {
    const page = JSON.parse(await readFile(SHARED_PAGE, 'utf8')) as unknown;
    const parsed = ZFeedbackPage.safeParse(page);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    const kinds = parsed.data!.items.map((i) => `${i.type}:${i.type === 'communication_status' ? i.status : i.state}`);
    expect(kinds).toEqual(expect.arrayContaining(['communication_status:bounced', 'consent_changed:opted_out', 'consent_changed:bounced']));
  });

  it('refuses the shapes the module cannot act on', async () => {
    const page = JSON.parse(await readFile(SHARED_PAGE, 'utf8')) as { items: Array<Record<string, unknown>> };
    const consent = page.items.find((i) => i.type === 'consent_changed' && i.state === 'opted_out')!;
    for (const [change, path] of [
      [{ state: 'unsubscribed' }, 'state'],
      [{ customerId: '88' }, 'customerId'],
      [{ customerRef: 'email:abc' }, ''],
      [{ storeCode: undefined }, 'storeCode'],
    ] as const) {
      const result = ZFeedbackItem.safeParse({ ...consent, ...change });
      expect(result.success, JSON.stringify(change)).toBe(false);
      expect(result.error!.issues.map((i) => i.path.join('.')), JSON.stringify(change)).toContain(path);
    }
  });
});

describe('GET /v1/feedback after real opt-outs and a bounce in the sandbox', () => {
  let stack: Stack;
  const logLines: string[] = [];
  beforeAll(async () => {
    stack = await startStack({ name: 'pglite' }, { logger: { level: 'trace', stream: { write: (line: string) => logLines.push(line) } } });
    await seedDemoMagentoStore(stack.engine, { sandboxUrl: stack.sandbox.url, tokenUrl: stack.sandbox.tokenUrl });
  });
  afterAll(async () => stack?.close());

  it('hands the signing store what its module needs to find each customer, in the documented shape', async () => {
    const signedFetch = stack.client(DEMO_MAGENTO_STORE_KEY, DEMO_MAGENTO_SECRET);
    await postConsentOrders(signedFetch);
    const items = await readFeedUntil(signedFetch, hasEveryConsentChange, 'opt-outs and a bounce in the feed');

    const consent = items.filter((i) => i.type === 'consent_changed');
    const [customer, guest, bounce] = CONSENT_ORDERS;
    expect(consent).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ state: 'opted_out', channel: 'email', customerId: customer.customerId, email: customer.email, storeCode: customer.storeCode, source: 'exstream_feedback' }),
        expect.objectContaining({ state: 'opted_out', channel: 'email', customerId: null, email: guest.email, storeCode: guest.storeCode }),
        expect.objectContaining({ state: 'bounced', channel: 'email', customerId: bounce.customerId, email: bounce.email, storeCode: bounce.storeCode }),
      ]),
    );
    // Each consent change names the communication its feedback came for, and that is one of the
    // store's own order confirmations.
    for (const item of consent) {
      const entry = items.find((i) => i.type === 'communication_status' && i.communicationId === item.communicationId);
      expect(entry, JSON.stringify(item)).toMatchObject({ documentType: 'order_confirmation', storeCode: item.storeCode });
    }
    const bounced = items.find((i) => i.type === 'communication_status' && i.status === 'bounced');
    expect(bounced).toMatchObject({ orderRef: bounce.incrementId, channel: 'email', storeCode: 'ca_fr' });

    // Full addresses go to the store itself only; the sidecar's logs stay masked.
    const log = logLines.join('');
    for (const order of CONSENT_ORDERS) expect(log).not.toContain(order.email);
  });
});
