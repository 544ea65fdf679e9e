import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConnectError, isConnectError, validateDocumentData } from '@exstream-connect/core';
import { transactionExecutor } from '@exstream-connect/db';
import type { OnDemandResult } from '@exstream-connect/exstream';
import { QUEUES, type DeliverJob, type EngineContext } from './engine-context.ts';
import { findExstreamJobForKey } from './find-exstream-job-for-key.ts';
import { sha256Hex } from './hashing.ts';
import { queueWriteBack, transition } from './record-status.ts';
import { rawSql, readForDelivery, transitionSql } from './sql-records.ts';

export type DeliveryAttempt = { retryCount: number; retryLimit: number };

export type DeliveryOutcome = 'sent' | 'failed' | 'noop' | 'retry';

/** Relative to documentsDir, so the folder can move without rewriting rows. */
export function documentPathFor(storeId: string, communicationId: string): string {
  return path.join(storeId, `${communicationId}.pdf`);
}

/**
 * Sends one communication to Exstream, at most once.
 *
 * 1. `queued → sending` is committed BEFORE the call, with the row's idempotency key.
 * 2. The stored document data is validated against the contract again (a resend or a fallback
 *    rewrote parts of it since it was built); invalid → `failed` naming the field, no call.
 * 3. The call carries `Idempotency-Key`; Exstream answers a repeated key with the first result.
 * 4. `sending → sent` records job id, document reference, template and the SHA-256 of the exact
 *    JSON bytes sent, plus the stored PDF; then, when enabled, the job id is looked up.
 * A run that finds the row already `sending` (the previous worker died somewhere between 1 and 4,
 * or the previous attempt failed), or whose job says so (retryFailed, the sweeper), reconciles
 * first: it looks the key up at Exstream. A complete job is recorded as sent from that job without
 * calling Exstream again; a job still running is waited for (retry); only no job, or a job that
 * ended in error, leads to a re-send, with the SAME key. No second row is ever created.
 */
export async function deliverCommunication(ctx: EngineContext, job: DeliverJob, attempt: DeliveryAttempt): Promise<DeliveryOutcome> {
  // On the driver: the delivery path runs a few statements per document, and through Prisma each
  // costs more CPU than the database work itself.
  const sql = rawSql(ctx.db.sql);
  await ctx.hooks.beforeClaim?.(job);
  // The usual case in one round trip, shared with the other deliveries in flight: claim (status
  // CAS + timeline event) and read together.
  let comm = await ctx.deliveryWriter.claim({ storeId: job.storeId, communicationId: job.communicationId, detail: `attempt ${attempt.retryCount + 1}` });
  const claimed = comm !== null;
  if (!comm) {
    // Not queued: a previous attempt died after claiming it (reconcile), or there is nothing to do.
    comm = await readForDelivery(sql, job);
    if (!comm || comm.status !== 'sending') return 'noop';
  }
  const reconciling = !claimed || job.reconcile === true;

  try {
    if (comm.documentData === null || (comm.documentData as { redacted?: boolean }).redacted === true) {
      throw new ConnectError('CONFLICT', 'The communication has no document data to send (redacted, not retained, or never built)');
    }
    const { client, connection } = await ctx.exstream.forStore(comm.storeId);
    const data = comm.documentData;
    // Hash exactly what goes on the wire: the client serialises `data` with JSON.stringify too.
    const body = JSON.stringify(data);
    const dataSha256 = sha256Hex(body);
    const state = await ctx.storeState.get(comm.storeId);
    const dropDocumentData = state ? !state.settings.archive.storeDocumentData : false;
    const writeBackFor = (orderRef: string | null) =>
      orderRef && state && state.settings.writeBack.orderSummary && ctx.writeBack[state.store.platform] ? ({ storeId: comm.storeId, kind: 'order_summary', orderRef } as const) : null;

    if (reconciling) {
      const known = await findExstreamJobForKey(client, comm.idempotencyKey);
      // Counted as the attempt's start only when no claim event was written for it (see sweep-lost-deliveries.ts).
      const source = claimed ? 'lookup' : 'reconcile';
      const note = (detail: string) => transitionSql(sql, { storeId: comm.storeId, communicationId: comm.id, from: 'sending', to: 'sending', source, detail, at: ctx.clock() });
      if (known.kind === 'complete') {
        // Produced already: record it from the job. Calling again would risk a second document on a
        // tenant that does not honour Idempotency-Key.
        await note(`reconcile: Exstream job ${known.job.id} is complete for this key; recorded as sent without calling Exstream again`);
        const local = await existingDocument(ctx, comm.storeId, comm.id);
        await ctx.deliveryWriter.recordSent({
          storeId: comm.storeId,
          communicationId: comm.id,
          detail: `job ${known.job.id} (reconciled)`,
          exstreamJobId: known.job.id,
          documentRef: local?.documentRef ?? `exstream-job:${known.job.id}`,
          documentPath: local?.documentPath ?? null,
          dataSha256,
          dropDocumentData,
          writeBack: writeBackFor(comm.orderRef),
        });
        return 'sent';
      }
      if (known.kind === 'running') {
        await note(`reconcile: Exstream job ${known.job.id} for this key is still ${known.job.status}; checking again later`);
        throw new ConnectError('UPSTREAM_FAILED', `a previous attempt is still being composed at Exstream (job ${known.job.id}, ${known.job.status})`, { retryable: true });
      }
      await note(
        known.kind === 'unknown'
          ? `reconcile: job lookup refused (${known.error}); sending with the same key`
          : known.failed
            ? `reconcile: Exstream job ${known.failed.id} for this key ended ${known.failed.status}; sending again with the same key`
            : 'reconcile: no job at Exstream for this key; sending with the same key',
      );
    }

    // Re-validated right before every send: resends and bounce fallbacks rewrite meta / delivery.
    validateDocumentData(data);

    let result: OnDemandResult;
    if (comm.serviceName) {
      result = await client.onDemand({ service: comm.serviceName, body, contentType: 'application/json', mimeType: 'application/pdf', idempotencyKey: comm.idempotencyKey });
    } else {
      const communicationId = comm.exstreamCommunicationId ?? connection.defaultCommunicationId;
      if (!communicationId) throw new ConnectError('NOT_CONFIGURED', 'No Exstream communication id: set one on the template rule or as the connection default');
      result = await client.generate({ communicationId, driverDataSource: connection.driverDataSource, data, accept: 'pdf', idempotencyKey: comm.idempotencyKey });
    }
    await ctx.hooks.afterExstreamCall?.(comm.id);

    const { bytes, documentRef } = outputOf(result);
    let documentPath: string | null = null;
    if (bytes) {
      documentPath = documentPathFor(comm.storeId, comm.id);
      await writeDocument(path.join(ctx.documentsDir, documentPath), bytes);
    }
    const recorded = await ctx.deliveryWriter.recordSent({
      storeId: comm.storeId,
      communicationId: comm.id,
      detail: documentRef,
      exstreamJobId: null,
      documentRef,
      documentPath,
      dataSha256,
      dropDocumentData,
      writeBack: writeBackFor(comm.orderRef),
    });
    if (recorded && ctx.delivery.recordJobId) ctx.jobIdRecorder.record({ storeId: comm.storeId, communicationId: comm.id, idempotencyKey: comm.idempotencyKey });
    return 'sent';
  } catch (error) {
    const message = errorMessage(error);
    const retryable = isConnectError(error) ? error.retryable : true;
    if (retryable && attempt.retryCount < attempt.retryLimit) {
      // Same status, so the compare-and-set only records the attempt and its error.
      await transitionSql(sql, {
        storeId: comm.storeId,
        communicationId: comm.id,
        from: 'sending',
        to: 'sending',
        source: 'retry',
        detail: `attempt ${attempt.retryCount + 1} failed: ${message}; will retry`,
        at: ctx.clock(),
        set: { lastError: message },
      });
      ctx.logger.warn('delivery attempt failed, will retry', { communicationId: comm.id, attempt: attempt.retryCount + 1, error: message });
      return 'retry';
    }
    await markFailed(ctx, { storeId: comm.storeId, communicationId: comm.id, orderRef: comm.orderRef, from: 'sending', message });
    ctx.logger.error('delivery failed', { communicationId: comm.id, error: message });
    return 'failed';
  }
}

/** A PDF written by an attempt that died before recording it: kept, so the row points at it. */
async function existingDocument(ctx: EngineContext, storeId: string, communicationId: string): Promise<{ documentPath: string; documentRef: string } | null> {
  const documentPath = documentPathFor(storeId, communicationId);
  const bytes = await readFile(path.join(ctx.documentsDir, documentPath)).catch(() => null);
  if (!bytes || bytes.length === 0) return null;
  return { documentPath, documentRef: `pdf:sha256:${sha256Hex(bytes)}` };
}

/** Final failure: `failed`, dead-lettered (visible and re-triggerable), failure tag written back when enabled. */
export async function markFailed(ctx: EngineContext, args: { storeId: string; communicationId: string; orderRef: string | null; from: 'sending' | 'queued'; message: string }) {
  const settings = (await ctx.storeState.get(args.storeId))?.settings;
  await ctx.prisma.$transaction(async (tx) => {
    const moved = await transition(tx, { storeId: args.storeId, communicationId: args.communicationId, from: args.from, to: 'failed', source: 'worker', detail: args.message, at: ctx.clock(), data: { lastError: args.message } });
    if (!moved) return;
    await ctx.boss.send(QUEUES.deliverDead, { storeId: args.storeId, communicationId: args.communicationId, error: args.message }, { db: transactionExecutor(tx) });
    if (args.orderRef) {
      if (settings?.writeBack.tagOnFailure) await queueWriteBack(ctx, tx, { storeId: args.storeId, kind: 'order_failure_tag', orderRef: args.orderRef });
      if (settings?.writeBack.orderSummary) await queueWriteBack(ctx, tx, { storeId: args.storeId, kind: 'order_summary', orderRef: args.orderRef });
    }
  });
}

/** The store's folder exists after its first document: create it only when the write says it is missing. */
async function writeDocument(absolute: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFile(absolute, bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, bytes);
  }
}

function outputOf(result: OnDemandResult): { bytes: Buffer | null; documentRef: string | null } {
  if (result.kind === 'bytes') return { bytes: result.body, documentRef: `pdf:sha256:${sha256Hex(result.body)}` };
  if (result.documentId) return { bytes: null, documentRef: `empower:${result.documentId}` };
  const output = result.outputs.find((o) => o.fileExtension.toLowerCase() === 'pdf') ?? result.outputs[0];
  if (!output) return { bytes: null, documentRef: null };
  return { bytes: output.content, documentRef: output.fileName };
}

function errorMessage(error: unknown): string {
  if (isConnectError(error)) return error.userMessage === error.message ? error.message : `${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
