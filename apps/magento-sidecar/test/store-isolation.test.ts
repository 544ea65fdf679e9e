import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from './helpers/signed-client.ts';
import { eventually, loadEnvelope, startStack, type Stack } from './helpers/start-stack.ts';

const SECRET_A = 'isolation-a-secret-0123456789';
const SECRET_B = 'isolation-b-secret-9876543210';
const ORDER = '000000142';

type Timeline = {
  items: Array<{ id: string; orderRef: string; documentType: string; status: string; statusHistory: Array<{ status: string }>; hasDocument: boolean; documentPath: string | null; resendOfId: string | null }>;
};
type FeedbackPage = { items: Array<{ cursor: string; type: string; communicationId?: string; status?: string }>; nextCursor: string };

const rule = (communicationId: string) => ({ eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', communicationId, templateVersion: '3' });

describe.each(testDatabaseTargets())('store isolation, settings and feedback ($name)', (target) => {
  let stack: Stack;
  let asA: ReturnType<Stack['client']>;
  let asB: ReturnType<Stack['client']>;
  let timelineA: Timeline;
  let timelineB: Timeline;

  beforeAll(async () => {
    stack = await startStack(target);
    await stack.registerStore('iso-a', SECRET_A, { connect: true, rules: [rule('comm-a')] });
    await stack.registerStore('iso-b', SECRET_B, { connect: true, rules: [rule('comm-b')] });
    asA = stack.client('iso-a', SECRET_A);
    asB = stack.client('iso-b', SECRET_B);
    // Both stores send an order with the SAME increment id (Magento numbers per installation).
    const envelope = await loadEnvelope('01-order-placed');
    expect((await asA('POST', '/v1/events', { body: json(envelope) })).status).toBe(202);
    expect((await asB('POST', '/v1/events', { body: json(envelope) })).status).toBe(202);
    const settled = async (client: typeof asA) => {
      const response = await client('GET', `/v1/orders/${ORDER}/communications`);
      const body = (await response.json()) as Timeline;
      // Settled = the delivery receipt is recorded, not just the status reached: a receipt that overtook
      // our own `sent` record is parked and applied a moment later, possibly after the open.
      return body.items.length > 0 && body.items.every((i) => i.hasDocument && ['delivered', 'opened'].includes(i.status) && i.statusHistory.some((h) => h.status === 'delivered'))
        ? body
        : null;
    };
    timelineA = await eventually(() => settled(asA), 'store A documents delivered');
    timelineB = await eventually(() => settled(asB), 'store B documents delivered');
  });
  afterAll(async () => stack?.close());

  it('GIVEN two stores with the same increment id THEN each reads only its own timeline', async () => {
    expect(timelineA.items.map((i) => i.documentType)).toEqual(['order_confirmation']);
    expect(timelineB.items.map((i) => i.documentType)).toEqual(['order_confirmation']);
    const idsA = timelineA.items.map((i) => i.id);
    const idsB = timelineB.items.map((i) => i.id);
    expect(idsA.some((id) => idsB.includes(id))).toBe(false);
    const templates = await Promise.all(
      [asA, asB].map(async (client) => ((await (await client('GET', `/v1/orders/${ORDER}/communications`)).json()) as { items: Array<{ templateId: string }> }).items[0]!.templateId),
    );
    expect(templates).toEqual(['comm-a', 'comm-b']);
  });

  it("GIVEN store B's document id WHEN store A asks for it THEN 404; its own THEN the PDF", async () => {
    const own = await asA('GET', timelineA.items[0]!.documentPath!);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('application/pdf');
    expect(own.headers.get('content-disposition')).toMatch(/^inline; filename="order_confirmation-000000142\.pdf"$/);
    expect(Buffer.from(await own.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

    const foreign = await asA('GET', timelineB.items[0]!.documentPath!);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Document not found.' } });
    expect((await asA('GET', '/v1/documents/not-a-uuid')).status).toBe(404);
  });

  it("GIVEN store B's communication WHEN store A asks to resend it THEN 404; its own THEN 202 with a new attempt", async () => {
    const foreign = await asA('POST', `/v1/communications/${timelineB.items[0]!.id}/resend`);
    expect(foreign.status).toBe(404);
    const own = await asA('POST', `/v1/communications/${timelineA.items[0]!.id}/resend`);
    expect(own.status).toBe(202);
    const { communicationId } = (await own.json()) as { communicationId: string };
    expect(communicationId).not.toBe(timelineA.items[0]!.id);
    const after = (await (await asA('GET', `/v1/orders/${ORDER}/communications`)).json()) as Timeline;
    expect(after.items.find((i) => i.id === communicationId)?.resendOfId).toBe(timelineA.items[0]!.id);
    // Store B's timeline is untouched.
    expect(((await (await asB('GET', `/v1/orders/${ORDER}/communications`)).json()) as Timeline).items).toHaveLength(1);
  });

  it("settings are the signing store's only, and the client secret is write-only", async () => {
    const [settingsA, settingsB] = await Promise.all([asA('GET', '/v1/settings'), asB('GET', '/v1/settings')]);
    const a = (await settingsA.json()) as { rules: Array<{ communicationId: string }>; connection: { hasClientSecret: boolean } };
    const b = (await settingsB.json()) as { rules: Array<{ communicationId: string }> };
    expect(a.rules.map((r) => r.communicationId)).toEqual(['comm-a']);
    expect(b.rules.map((r) => r.communicationId)).toEqual(['comm-b']);
    expect(a.connection.hasClientSecret).toBe(true);

    // A new secret through PUT: never echoed, not by PUT nor GET.
    const connection = { baseUrl: stack.sandbox.url, domain: stack.sandbox.domain, tokenUrl: stack.sandbox.tokenUrl, clientId: 'sandbox' };
    const put = await asA('PUT', '/v1/settings', { body: json({ connection: { ...connection, clientSecret: 'sandbox-secret' }, defaults: { brand: 'luma', locale: 'fr' } }) });
    expect(put.status).toBe(200);
    const putText = await put.text();
    expect(putText).not.toContain('sandbox-secret');
    expect(JSON.parse(putText)).toMatchObject({ connection: { hasClientSecret: true, clientId: 'sandbox' }, defaults: { brand: 'luma', locale: 'fr' } });
    const getText = await (await asA('GET', '/v1/settings')).text();
    expect(getText).not.toContain('sandbox-secret');
    expect(getText).not.toMatch(/clientSecret"/);

    // Omitting the secret keeps it: the connection still authenticates against the sandbox.
    expect((await asA('PUT', '/v1/settings', { body: json({ connection }) })).status).toBe(200);
    const test = await asA('POST', '/v1/settings/test');
    expect(test.status).toBe(200);
    expect(await test.json()).toMatchObject({ ok: true, version: expect.stringContaining('25.2') });

    // Store B is unaffected by A's changes.
    expect(await (await asB('GET', '/v1/settings')).json()).toMatchObject({ defaults: { brand: 'default', locale: 'en' } });
  });

  it('GIVEN invalid settings THEN 400 naming each field', async () => {
    const response = await asA('PUT', '/v1/settings', { body: json({ connection: { baseUrl: 'not a url', domain: 'demo', tokenUrl: stack.sandbox.tokenUrl, clientId: 'x' }, rules: [{ ...rule('c'), channel: 'pigeon' }], surprise: 1 }) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; issues: Array<{ path: string }> } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['connection.baseUrl', 'rules.0.channel']));
  });

  it('GIVEN delivery feedback from Exstream THEN GET /v1/feedback pages it by cursor, per store', async () => {
    // The sandbox posted delivered/opened for each document to /v1/exstream/feedback. The feed hands
    // rows out once every older writing transaction on the server has ended (other suites' included),
    // so page until the delivery receipt is there.
    const all: FeedbackPage['items'] = [];
    let cursor: string | undefined;
    await eventually(async () => {
      const response = await asA('GET', `/v1/feedback?limit=1${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as FeedbackPage;
      expect(body.items.length).toBeLessThanOrEqual(1);
      if (body.items.length === 0) expect(body.nextCursor).toBe(cursor ?? body.nextCursor);
      all.push(...body.items);
      cursor = body.nextCursor;
      return all.some((i) => i.status === 'delivered') || null;
    }, 'a delivery receipt in the feed');
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect(new Set(all.map((i) => i.cursor)).size).toBe(all.length);
    expect(all.map((i) => i.status)).toEqual(expect.arrayContaining(['delivered']));
    const ownIds = new Set((((await (await asA('GET', `/v1/orders/${ORDER}/communications`)).json()) as Timeline).items).map((i) => i.id));
    expect(all.every((i) => i.type !== 'communication_status' || ownIds.has(i.communicationId!))).toBe(true);

    // One bigger page returns the same items in the same order.
    const whole = (await (await asA('GET', '/v1/feedback?limit=500')).json()) as FeedbackPage;
    expect(whole.items.slice(0, all.length).map((i) => i.cursor)).toEqual(all.map((i) => i.cursor));
  });

  it('GIVEN a bad limit or cursor THEN 400, never 500', async () => {
    for (const query of ['limit=0', 'limit=abc', 'limit=100000', 'after=garbage']) {
      const response = await asA('GET', `/v1/feedback?${query}`);
      expect(response.status, query).toBe(400);
    }
  });

  it('GIVEN a forged feedback callback THEN it is refused and changes nothing', async () => {
    const body = json({ events: [{ idempotencyKey: 'x', jobId: null, outcome: 'bounced', channel: 'email', at: new Date().toISOString(), detail: null }] });
    const response = await fetch(`${stack.url}/v1/exstream/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-exstream-connect-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
      body,
    });
    expect(response.status).toBe(401);
  });
});
