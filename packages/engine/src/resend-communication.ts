import { randomUUID } from 'node:crypto';
import { ConnectError } from '@exstream-connect/core';
import { transactionExecutor, type Communication } from '@exstream-connect/db';
import { QUEUES, type DeliverJob, type EngineContext } from './engine-context.ts';
import { idempotencyKeyFor, sha256Hex } from './hashing.ts';
import { rebuildDocumentData } from './rebuild-document-data.ts';
import { batchMarker } from './poll-batch-job.ts';
import { liveDeliveries } from './recover-lost-deliveries.ts';
import { transition } from './record-status.ts';
import type { StoreRef } from './types.ts';

/** Rewrites the per-attempt parts of stored document data for a new row (id, key, channel). */
export function withNewIdentity(data: unknown, identity: { communicationId: string; idempotencyKey: string; channel: string }): unknown {
  if (!data || typeof data !== 'object') return data;
  const doc = data as Record<string, unknown>;
  const meta = (doc.meta ?? {}) as Record<string, unknown>;
  const delivery = (doc.delivery ?? {}) as Record<string, unknown>;
  return { ...doc, meta: { ...meta, communicationId: identity.communicationId, idempotencyKey: identity.idempotencyKey }, delivery: { ...delivery, channel: identity.channel } };
}

/**
 * A new attempt of a communication as a NEW row linked to the original (resendOfId, attempt+1),
 * queued and delivered like any other. Also used for a bounce's fallback channel.
 */
export async function createFollowUp(
  ctx: EngineContext,
  original: Communication,
  options: { channel?: Communication['channel']; source: string; detail: string },
): Promise<{ communicationId: string }> {
  if ((original.documentData as { redacted?: boolean } | null)?.redacted === true) throw new ConnectError('CONFLICT', 'This communication was redacted: there is no document data to send again');
  if (original.documentData === null && !original.dataSha256) throw new ConnectError('CONFLICT', 'This communication has no document data to send again (it was never built)');
  const channel = options.channel ?? original.channel;
  const latest = await ctx.prisma.communication.aggregate({ where: { storeId: original.storeId, businessKey: original.businessKey, documentType: original.documentType }, _max: { attempt: true } });
  const attempt = Math.max(latest._max.attempt ?? 1, original.attempt) + 1;
  const id = randomUUID();
  const idempotencyKey = idempotencyKeyFor({ storeId: original.storeId, businessKey: original.businessKey, documentType: original.documentType, channel, attempt });
  // A hash-only archive dropped the data once it was sent: build it again from the inbound event.
  const documentData =
    original.documentData === null
      ? await rebuildDocumentData(ctx, original, { communicationId: id, idempotencyKey, channel })
      : withNewIdentity(original.documentData, { communicationId: id, idempotencyKey, channel });
  const store = await ctx.prisma.store.findUnique({ where: { id: original.storeId }, select: { dryRun: true } });
  const dryRun = store?.dryRun ?? false;
  await ctx.prisma.$transaction(async (tx) => {
    await tx.communication.create({
      data: {
        id,
        storeId: original.storeId,
        inboundEventId: original.inboundEventId,
        businessKey: original.businessKey,
        orderRef: original.orderRef,
        orderNumber: original.orderNumber,
        customerRef: original.customerRef,
        recipientHash: original.recipientHash,
        recipientMasked: original.recipientMasked,
        documentType: original.documentType,
        channel,
        status: dryRun ? 'skipped' : 'queued',
        templateRuleId: original.templateRuleId,
        exstreamCommunicationId: original.exstreamCommunicationId,
        serviceName: original.serviceName,
        templateVersion: original.templateVersion,
        idempotencyKey,
        attempt,
        resendOfId: original.id,
        documentData: documentData as never,
        dataSha256: sha256Hex(JSON.stringify(documentData)),
        dryRun,
        reason: dryRun ? 'dry run: planned, built and validated, not sent' : null,
      },
    });
    await tx.communicationEvent.create({ data: { storeId: original.storeId, communicationId: id, status: dryRun ? 'skipped' : 'queued', source: options.source, detail: options.detail, at: ctx.clock() } });
    if (!dryRun) await ctx.boss.send(QUEUES.deliver, { storeId: original.storeId, communicationId: id }, { db: transactionExecutor(tx) });
  });
  ctx.wake(QUEUES.deliver);
  return { communicationId: id };
}

export async function resendCommunication(ctx: EngineContext, store: StoreRef, communicationId: string): Promise<{ communicationId: string }> {
  const original = await ctx.prisma.communication.findFirst({ where: { id: communicationId, storeId: store.id } });
  if (!original) throw new ConnectError('NOT_FOUND', 'Communication not found');
  if (original.status === 'queued' || original.status === 'sending') {
    throw new ConnectError('CONFLICT', 'This communication is still being sent; wait for it to finish before resending');
  }
  return createFollowUp(ctx, original, { source: 'resend', detail: `resend of ${original.id}` });
}

/**
 * Re-triggers a communication in place: the same row, the same idempotency key, a new delivery
 * job that reconciles with Exstream before any send (an earlier attempt may have produced the
 * document). Accepts a `failed` row (dead-lettered), and a `queued` / `sending` row that nothing is
 * working on any more (no live delivery job: its worker died, its job was lost); a row whose job is
 * still live is a CONFLICT. The row is queued again, which gives it a fresh attempt budget. A row
 * that failed after it was sent (delivery feedback) gets a new attempt instead, as resend does.
 */
export async function retryFailedCommunication(ctx: EngineContext, store: StoreRef, communicationId: string): Promise<{ communicationId: string }> {
  const row = await ctx.prisma.communication.findFirst({ where: { id: communicationId, storeId: store.id } });
  if (!row) throw new ConnectError('NOT_FOUND', 'Communication not found');
  const stuck = row.status === 'queued' || row.status === 'sending';
  if (row.status !== 'failed' && !stuck) throw new ConnectError('CONFLICT', `Only failed or stuck communications can be retried (this one is ${row.status})`);
  if (row.status === 'failed' && row.sentAt) {
    // Exstream produced this one and it failed afterwards (delivery feedback): the same key would
    // only find that document again, so the retry is a new attempt.
    return createFollowUp(ctx, row, { source: 'retry', detail: `retry of ${row.id}, which failed after it was sent` });
  }
  if (row.documentData === null || (row.documentData as { redacted?: boolean }).redacted === true) throw new ConnectError('CONFLICT', 'This communication has no document data to send');
  // Its batch (statements, campaign) will settle it: a delivery job beside it could send it twice.
  if (stuck && row.documentRef?.startsWith(batchMarker(''))) throw new ConnectError('CONFLICT', 'This communication waits for its Exstream batch; it is settled when the batch job ends');
  if (stuck && (await liveDeliveries(ctx, [row.id])).has(row.id)) {
    throw new ConnectError('CONFLICT', 'This communication is still being delivered; wait for its current attempt to finish');
  }
  const detail = stuck ? `re-triggered: no live delivery job was left for this ${row.status} communication` : 're-triggered from the dead letter queue';
  await ctx.prisma.$transaction(async (tx) => {
    // A failed batch row (statements, campaign) goes on demand now: off its batch marker, so the
    // sweeper watches it like any delivery and no batch backstop takes it for its own.
    const offBatch = row.documentRef?.startsWith(batchMarker('')) ? { data: { documentRef: null } } : {};
    const moved = await transition(tx, { storeId: store.id, communicationId: row.id, from: row.status, to: 'queued', source: 'retry', detail, at: ctx.clock(), ...offBatch });
    if (!moved) throw new ConnectError('CONFLICT', 'The communication changed meanwhile; reload and try again');
    const job: DeliverJob = { storeId: store.id, communicationId: row.id, reconcile: true };
    await ctx.boss.send(QUEUES.deliver, job, { db: transactionExecutor(tx) });
  });
  ctx.wake(QUEUES.deliver);
  return { communicationId: row.id };
}
