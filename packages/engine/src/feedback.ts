import { createHmac } from 'node:crypto';
import { ConnectError, businessKeyFor, canTransition, nextFallbackChannel, type TChannel, type TCommunicationStatus } from '@exstream-connect/core';
import { safeEqual, type Communication } from '@exstream-connect/db';
import { z } from 'zod';
import type { StoredInbound } from './accept-event.ts';
import { QUEUES, type EngineContext } from './engine-context.ts';
import { readFeedbackFeed, type FeedbackPage } from './feedback-feed.ts';
import { storeIdOfIdempotencyKey } from './hashing.ts';
import { toCoreRule } from './plan-and-record.ts';
import { queueWriteBack, transition } from './record-status.ts';
import { createFollowUp } from './resend-communication.ts';
import { parseStoreSettings } from './settings.ts';
import { zodIssues } from './stores.ts';
import type { StoreRef } from './types.ts';

/** Signatures older or newer than this are refused (replay window). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export const ZFeedbackEvent = z.object({
  idempotencyKey: z.string().min(1).max(200),
  jobId: z.string().max(200).nullable(),
  outcome: z.enum(['delivered', 'opened', 'bounced', 'opted_out', 'failed']),
  channel: z.enum(['email', 'print', 'web', 'sms', 'archive']).nullable(),
  at: z.iso.datetime({ offset: true }),
  detail: z.string().max(2000).nullable(),
});
export const ZFeedbackBody = z.object({ events: z.array(ZFeedbackEvent).max(1000) });
export type TFeedbackEvent = z.infer<typeof ZFeedbackEvent>;

export type { FeedbackItem } from './feedback-feed.ts';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + rawBody)>`, compared in constant time. */
export function verifyFeedbackSignature(secret: string, rawBody: string, header: string | undefined, nowSeconds: number): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim());
  const t = parts.find((p) => p.startsWith('t='))?.slice(2);
  const signatures = parts.filter((p) => p.startsWith('v1=')).map((p) => p.slice(3));
  if (!t || !/^\d{1,12}$/.test(t) || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - Number(t)) > SIGNATURE_TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  let ok = false;
  for (const candidate of signatures) ok = safeEqual(candidate, expected) || ok;
  return ok;
}

const OUTCOME_STATUS: Record<Exclude<TFeedbackEvent['outcome'], 'opted_out'>, TCommunicationStatus> = {
  delivered: 'delivered',
  opened: 'opened',
  bounced: 'bounced',
  failed: 'failed',
};

export function createFeedbackApi(ctx: EngineContext) {
  /**
   * The communication an outcome is about, looked up inside the store its key names (see
   * idempotencyKeyFor): never across stores. A key without a store part was not issued by this
   * engine (or predates the store-scoped format) and is ignored.
   */
  async function findByKey(key: string): Promise<Communication | null> {
    const storeId = storeIdOfIdempotencyKey(key);
    if (!storeId) {
      ctx.logger.warn('delivery feedback for a key that names no store; ignored', { key: key.slice(0, 80) });
      return null;
    }
    return ctx.prisma.communication.findFirst({ where: { storeId, idempotencyKey: key } });
  }

  async function applyOne(event: TFeedbackEvent): Promise<boolean> {
    const comm = await findByKey(event.idempotencyKey);
    if (!comm) return false;
    const at = new Date(event.at);
    const store = await ctx.prisma.store.findUnique({ where: { id: comm.storeId }, select: { settings: true } });
    const settings = parseStoreSettings(store?.settings);
    const channel = event.channel ?? comm.channel;

    if (event.outcome === 'opted_out') {
      if (!comm.customerRef) return false;
      await ctx.prisma.$transaction(async (tx) => {
        await tx.customerPreference.upsert({
          where: { storeId_customerRef_channel: { storeId: comm.storeId, customerRef: comm.customerRef!, channel } },
          create: { storeId: comm.storeId, customerRef: comm.customerRef!, channel, state: 'opted_out', source: 'exstream_feedback' },
          update: { state: 'opted_out', source: 'exstream_feedback' },
        });
        await tx.consentEvent.create({ data: { storeId: comm.storeId, customerRef: comm.customerRef!, emailMasked: comm.recipientMasked, channel, state: 'opted_out', source: 'exstream_feedback', detail: event.detail, at } });
        await tx.communicationEvent.create({ data: { storeId: comm.storeId, communicationId: comm.id, status: comm.status, source: 'feedback', detail: `recipient opted out of ${channel}`, at } });
        if (settings.writeBack.consent && (channel === 'email' || channel === 'sms')) {
          await queueWriteBack(ctx, tx, { storeId: comm.storeId, kind: 'customer_consent', customerRef: comm.customerRef, consent: { channel, state: 'unsubscribed' } });
        }
      });
      return true;
    }

    if (comm.status === 'queued' || comm.status === 'sending') {
      // The outcome overtook our own record of the send (the worker is between the Exstream call
      // and `sent`): park it and apply it once the row is sent, rather than dropping it.
      await ctx.boss.send(QUEUES.feedback, { event }, { startAfter: 1 });
      return true;
    }
    const to = OUTCOME_STATUS[event.outcome];
    // Feedback may arrive out of order (opened before delivered) or twice; the status model decides.
    if (!canTransition(comm.status, to)) {
      // A delivery receipt that lands after the open: the status stays `opened` (it never moves
      // back), but the fact is history — the timeline and the Magento feed should show it once.
      if (to === 'delivered' && comm.status === 'opened') {
        const known = await ctx.prisma.communicationEvent.count({ where: { storeId: comm.storeId, communicationId: comm.id, status: 'delivered' } });
        if (known > 0) return false;
        await ctx.prisma.communicationEvent.create({
          data: { storeId: comm.storeId, communicationId: comm.id, status: 'delivered', source: 'feedback', detail: event.detail ?? 'delivery receipt arrived after the open', at },
        });
        return true;
      }
      return false;
    }
    let moved = false;
    await ctx.prisma.$transaction(async (tx) => {
      moved = await transition(tx, {
        storeId: comm.storeId,
        communicationId: comm.id,
        from: comm.status,
        to,
        source: 'feedback',
        detail: event.detail,
        at,
        data: { ...(event.jobId && !comm.exstreamJobId ? { exstreamJobId: event.jobId } : {}), ...(to === 'failed' ? { lastError: event.detail ?? 'failed at delivery' } : {}) },
      });
      if (!moved) return;
      if (to === 'bounced' && comm.customerRef) {
        await tx.customerPreference.upsert({
          where: { storeId_customerRef_channel: { storeId: comm.storeId, customerRef: comm.customerRef, channel } },
          create: { storeId: comm.storeId, customerRef: comm.customerRef, channel, state: 'bounced', source: 'exstream_feedback' },
          update: { state: 'bounced', source: 'exstream_feedback' },
        });
        await tx.consentEvent.create({ data: { storeId: comm.storeId, customerRef: comm.customerRef, emailMasked: comm.recipientMasked, channel, state: 'bounced', source: 'exstream_feedback', detail: event.detail, at } });
      }
      if (comm.orderRef) {
        if (settings.writeBack.orderSummary) await queueWriteBack(ctx, tx, { storeId: comm.storeId, kind: 'order_summary', orderRef: comm.orderRef });
        if (to === 'failed' && settings.writeBack.tagOnFailure) await queueWriteBack(ctx, tx, { storeId: comm.storeId, kind: 'order_failure_tag', orderRef: comm.orderRef });
      }
    });
    if (moved && to === 'bounced') await fallBack(comm, channel);
    if (moved) ctx.wake(QUEUES.writeBack);
    return moved;
  }

  /** After a bounce: the next channel the rule allows, as a new communication linked to the bounced one. */
  async function fallBack(comm: Communication, channel: Communication['channel']) {
    if (!comm.templateRuleId) return;
    const rule = await ctx.prisma.templateRule.findFirst({ where: { id: comm.templateRuleId, storeId: comm.storeId } });
    if (!rule) return;
    const preferences = comm.customerRef
      ? await ctx.prisma.customerPreference.findMany({ where: { storeId: comm.storeId, customerRef: comm.customerRef }, select: { channel: true, state: true } })
      : [];
    const coreRule = toCoreRule(rule);
    // A Magento store view allows only some channels (`storeView.channels`): as at planning, a
    // fallback never lands on a channel the view does not allow; the chain goes on past it.
    const view = await storeViewOf(comm);
    const skipped: string[] = [];
    let next = nextFallbackChannel(coreRule, channel, preferences);
    while (next !== null && view?.channels && !view.channels.includes(next)) {
      skipped.push(next);
      next = nextFallbackChannel(coreRule, next, preferences);
    }
    const notAllowed = skipped.length > 0 ? ` (${skipped.join(', ')} not allowed in store view "${view?.code ?? '?'}")` : '';
    if (!next) {
      if (skipped.length > 0) ctx.logger.info('bounce: no fallback channel the store view allows', { communicationId: comm.id, channel, skipped });
      return;
    }
    await createFollowUp(ctx, comm, { channel: next, source: 'fallback', detail: `${channel} bounced; falling back to ${next}${notAllowed}` });
  }

  /** The store view of the event a communication was planned for (Magento), from its inbound event. */
  async function storeViewOf(comm: Communication): Promise<{ code: string; channels: TChannel[] | null } | null> {
    if (!comm.inboundEventId) return null;
    const inbound = await ctx.prisma.inboundEvent.findFirst({ where: { id: comm.inboundEventId, storeId: comm.storeId }, select: { payload: true } });
    const events = (inbound?.payload as Partial<StoredInbound> | null)?.events ?? [];
    const event = events.find((e) => comm.businessKey.startsWith(`${businessKeyFor(e)}|`)) ?? events[0];
    return event?.storeView ?? null;
  }

  return {
    /** Applies a parked outcome (queue handler); 'retry' while the communication is still being sent. */
    async applyParked(event: TFeedbackEvent): Promise<'done' | 'retry'> {
      const comm = await findByKey(event.idempotencyKey);
      if (comm && (comm.status === 'queued' || comm.status === 'sending')) return 'retry';
      await applyOne(event);
      return 'done';
    },

    /**
     * The delivery-feedback callback (Exstream flow → us). Verifies the signature (constant time,
     * 300 s window) before reading anything, then applies each outcome by idempotency key.
     */
    async handleCallback(rawBody: string, signatureHeader: string | undefined): Promise<{ applied: number }> {
      if (!ctx.feedbackSecret) throw new ConnectError('NOT_CONFIGURED', 'Delivery feedback is not configured');
      if (!verifyFeedbackSignature(ctx.feedbackSecret, rawBody, signatureHeader, Math.floor(ctx.clock().getTime() / 1000))) {
        throw new ConnectError('UNAUTHENTICATED', 'Invalid signature');
      }
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        throw new ConnectError('MALFORMED_BODY', 'The body is not JSON');
      }
      const parsed = ZFeedbackBody.safeParse(json);
      if (!parsed.success) throw new ConnectError('VALIDATION_FAILED', 'Invalid feedback', { issues: zodIssues(parsed.error) });
      let applied = 0;
      for (const event of parsed.data.events) if (await applyOne(event)) applied++;
      return { applied };
    },

    /** Status changes and consent changes of one store after `cursor`, oldest first (the Magento module pulls these). */
    since: (store: StoreRef, cursor: string | undefined, limit = 100): Promise<FeedbackPage> => readFeedbackFeed(ctx, store, cursor, limit),
  };
}
