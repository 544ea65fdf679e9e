import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SandboxLogger } from './sandbox-logger.ts';

export type FeedbackOutcome = 'delivered' | 'opened' | 'bounced' | 'opted_out' | 'failed';
export type FeedbackChannel = 'email' | 'print' | 'web' | 'sms' | 'archive';

/** One event of OUR delivery-feedback callback format (see README "Delivery feedback"). */
export type FeedbackEvent = {
  idempotencyKey: string;
  jobId: string | null;
  outcome: FeedbackOutcome;
  channel: FeedbackChannel | null;
  at: string;
  detail: string | null;
};

export type PendingFeedback = Omit<FeedbackEvent, 'at'> & { opens: boolean };

const CHANNELS = new Set<string>(['email', 'print', 'web', 'sms', 'archive']);

/**
 * Decides what "happened" to a document from the data the sandbox received: `+bounce`, `+optout`
 * and `+fail` in the recipient's email simulate those outcomes; everything else is delivered,
 * and email is opened a little later.
 */
export function decideOutcome(input: { email: string | null; channel: string | null }): Pick<PendingFeedback, 'outcome' | 'channel' | 'opens' | 'detail'> {
  const channel = (input.channel && CHANNELS.has(input.channel) ? input.channel : input.email ? 'email' : null) as FeedbackChannel | null;
  const email = (input.email ?? '').toLowerCase();
  if (channel === 'email' || channel === null) {
    if (email.includes('+bounce')) return { outcome: 'bounced', channel, opens: false, detail: '550 5.1.1 mailbox unavailable (sandbox: +bounce address)' };
    if (email.includes('+optout')) return { outcome: 'opted_out', channel, opens: false, detail: 'recipient unsubscribed (sandbox: +optout address)' };
    if (email.includes('+fail')) return { outcome: 'failed', channel, opens: false, detail: 'delivery failed (sandbox: +fail address)' };
  }
  return { outcome: 'delivered', channel, opens: channel === 'email', detail: null };
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + rawBody)>` */
export function signFeedback(secret: string, rawBody: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

export type FeedbackOptions = {
  url: string;
  secret: string;
  /** Wait before the first outcome (delivered / bounced / opted_out / failed). Default 200 ms. */
  delayMs?: number;
  /** Extra wait after "delivered" before "opened" for email. Default 500 ms. */
  openedDelayMs?: number;
  /** Events per POST. Default 200. */
  batchSize?: number;
  /** Retry delays after a failed POST. Default [250, 1000, 3000]. */
  retryDelaysMs?: number[];
};

export function createFeedbackPoster(options: FeedbackOptions & { fetch: typeof fetch; logger: SandboxLogger; clock: () => number }) {
  const closing = new AbortController();
  const delayMs = options.delayMs ?? 200;
  const openedDelayMs = options.openedDelayMs ?? 500;
  const batchSize = options.batchSize ?? 200;
  const retryDelays = options.retryDelaysMs ?? [250, 1000, 3000];
  const pending = new Set<Promise<void>>();
  let posted = 0;
  let failed = 0;

  const post = async (events: FeedbackEvent[]): Promise<void> => {
    const rawBody = JSON.stringify({ events });
    for (let attempt = 0; attempt <= retryDelays.length; attempt++) {
      if (closing.signal.aborted) return;
      try {
        const signature = signFeedback(options.secret, rawBody, Math.floor(options.clock() / 1000));
        const res = await options.fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-exstream-connect-signature': signature, 'user-agent': 'exstream-sandbox' },
          body: rawBody,
          signal: AbortSignal.any([closing.signal, AbortSignal.timeout(10_000)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          posted += events.length;
          return;
        }
        options.logger.warn('feedback callback rejected', { status: res.status, attempt: attempt + 1, events: events.length });
      } catch (err) {
        if (closing.signal.aborted) return;
        options.logger.warn('feedback callback failed', { error: (err as Error).message, attempt: attempt + 1, events: events.length });
      }
      const wait = retryDelays[attempt];
      if (wait === undefined) break;
      try {
        await sleep(wait, undefined, { signal: closing.signal, ref: false });
      } catch {
        return;
      }
    }
    failed += events.length;
    options.logger.error('feedback callback gave up', { events: events.length });
  };

  const run = async (items: () => Iterable<PendingFeedback>): Promise<void> => {
    await sleep(delayMs, undefined, { signal: closing.signal, ref: false });
    const opened: PendingFeedback[] = [];
    let chunk: FeedbackEvent[] = [];
    for (const item of items()) {
      const { opens, ...event } = item;
      chunk.push({ ...event, at: new Date(options.clock()).toISOString() });
      if (opens && event.outcome === 'delivered') opened.push(item);
      if (chunk.length >= batchSize) {
        await post(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await post(chunk);
    if (opened.length === 0) return;
    await sleep(openedDelayMs, undefined, { signal: closing.signal, ref: false });
    for (let i = 0; i < opened.length; i += batchSize) {
      const at = new Date(options.clock()).toISOString();
      await post(opened.slice(i, i + batchSize).map(({ opens: _opens, ...event }) => ({ ...event, outcome: 'opened' as const, detail: null, at })));
    }
  };

  return {
    /** Posts outcomes for `items` later. Never throws: a broken callback must not crash the sandbox. */
    schedule(items: () => Iterable<PendingFeedback>): void {
      const task = run(items)
        .catch((err: unknown) => {
          if (!closing.signal.aborted) options.logger.error('feedback scheduling failed', { error: (err as Error).message });
        })
        .finally(() => pending.delete(task));
      pending.add(task);
    },
    stats: () => ({ posted, failed, pending: pending.size }),
    /** Resolves when every scheduled callback finished (used by tests and close()). */
    async idle(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    async close(): Promise<void> {
      closing.abort();
      await Promise.allSettled([...pending]);
    },
  };
}

export type FeedbackPoster = ReturnType<typeof createFeedbackPoster>;
