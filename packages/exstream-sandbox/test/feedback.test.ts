import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackEvent, Sandbox } from '../src/index.ts';
import { orderConfirmationData } from './fixtures.ts';
import { call, generate, getToken, ORCH, waitForJob, withSandbox } from './helpers.ts';

const SECRET = 'feedback-test-secret';

/** Verifies `t=<unix>,v1=<hex>` exactly as the engine will. */
function verify(rawBody: string, headerValue: string | undefined): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(headerValue ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', SECRET).update(`${match[1]}.${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

describe('delivery feedback callback', () => {
  let receiver: Server;
  let sandbox: Sandbox;
  let token: string;
  let failFirst = 0;
  const received: Array<{ valid: boolean; events: FeedbackEvent[] }> = [];
  const events = () => received.flatMap((r) => r.events);

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (failFirst > 0) {
          failFirst--;
          res.writeHead(500).end();
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ valid: verify(raw, req.headers['x-exstream-connect-signature'] as string | undefined), events: (JSON.parse(raw) as { events: FeedbackEvent[] }).events });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/feedback`;
    sandbox = await withSandbox({
      feedback: { url, secret: SECRET, delayMs: 10, openedDelayMs: 10, retryDelaysMs: [10, 10] },
      batch: { startAfterMs: 5, completeAfterMs: 20 },
    });
    token = await getToken(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('posts delivered then opened for an email document, signed with the HMAC', async () => {
    // WHEN
    const res = await generate(sandbox, token, orderConfirmationData(), { 'Idempotency-Key': 'fb-delivered' });
    expect(res.status).toBe(200);
    await sandbox.feedbackIdle();
    // THEN
    const mine = events().filter((e) => e.idempotencyKey === 'fb-delivered');
    expect(mine.map((e) => e.outcome)).toEqual(['delivered', 'opened']);
    expect(mine[0]).toMatchObject({ channel: 'email', jobId: expect.any(String), detail: null });
    expect(Number.isNaN(Date.parse(mine[0]!.at))).toBe(false);
    expect(received.every((r) => r.valid)).toBe(true);
  });

  it.each([
    ['lena+bounce@example.com', 'bounced'],
    ['lena+optout@example.com', 'opted_out'],
  ])('reports %s as %s and never opened', async (email, outcome) => {
    const key = `fb-${outcome}`;
    await generate(sandbox, token, orderConfirmationData({ recipient: { name: 'Lena', email } }), { 'Idempotency-Key': key });
    await sandbox.feedbackIdle();
    const mine = events().filter((e) => e.idempotencyKey === key);
    expect(mine.map((e) => e.outcome)).toEqual([outcome]);
    expect(mine[0]!.detail).toEqual(expect.any(String));
  });

  it('uses meta.idempotencyKey when no header is sent, and print has no opened event', async () => {
    await generate(sandbox, token, orderConfirmationData({ delivery: { channel: 'print' }, meta: { idempotencyKey: 'fb-meta-print' } }));
    await sandbox.feedbackIdle();
    expect(events().filter((e) => e.idempotencyKey === 'fb-meta-print')).toEqual([expect.objectContaining({ outcome: 'delivered', channel: 'print' })]);
  });

  it('retries a failing callback', async () => {
    failFirst = 2;
    await generate(sandbox, token, orderConfirmationData({ delivery: { channel: 'print' } }), { 'Idempotency-Key': 'fb-retry' });
    await sandbox.feedbackIdle();
    expect(failFirst).toBe(0);
    expect(events().filter((e) => e.idempotencyKey === 'fb-retry')).toHaveLength(1);
  });

  it('posts one outcome per batch record with meta once the job completes', async () => {
    const records = [1, 2, 3].map((i) => ({ recipient: { email: i === 2 ? 'x+bounce@example.com' : `r${i}@example.com` }, delivery: { channel: 'email' }, meta: { idempotencyKey: `fb-batch-${i}` } }));
    const res = await call(sandbox, token, `${ORCH}/inputs/batch/demo/statements`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([...records, { noMeta: true }]) });
    const { jobId } = ((await res.json()) as { data: Array<{ jobId: string }> }).data[0]!;
    await waitForJob(sandbox, token, jobId);
    await sandbox.feedbackIdle();
    const mine = events().filter((e) => e.jobId === jobId && e.outcome !== 'opened');
    expect(mine.map((e) => [e.idempotencyKey, e.outcome]).sort()).toEqual([
      ['fb-batch-1', 'delivered'],
      ['fb-batch-2', 'bounced'],
      ['fb-batch-3', 'delivered'],
    ]);
  });

  it('survives an unreachable callback URL', async () => {
    const lonely = await withSandbox({ feedback: { url: 'http://127.0.0.1:9/unreachable', secret: SECRET, delayMs: 1, retryDelaysMs: [1] } });
    try {
      const t = await getToken(lonely);
      expect((await generate(lonely, t, orderConfirmationData())).status).toBe(200);
      await lonely.feedbackIdle();
      expect((await call(lonely, t, `${ORCH}/version`)).status).toBe(200);
    } finally {
      await lonely.close();
    }
  });
});
