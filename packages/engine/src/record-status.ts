import { canTransition, ConnectError, type TCommunicationStatus } from '@exstream-connect/core';
import { transactionExecutor, type Prisma } from '@exstream-connect/db';
import { QUEUES, type EngineContext, type WriteBackQueueJob } from './engine-context.ts';
import { transitionSql, type QuerySql } from './sql-records.ts';

export type Tx = QuerySql;

/**
 * Moves a communication to a new status, guarded by its current status (a compare-and-set, so
 * two workers or a late callback cannot both win), and appends the timeline event.
 * Returns false when the row was no longer in `from`.
 */
export async function transition(
  tx: Tx,
  args: {
    storeId: string;
    communicationId: string;
    from: TCommunicationStatus;
    to: TCommunicationStatus;
    source: string;
    detail?: string | null;
    at: Date;
    data?: Parameters<typeof transitionSql>[1]['set'];
  },
): Promise<boolean> {
  if (args.from !== args.to && !canTransition(args.from, args.to)) {
    throw new ConnectError('INVALID_TRANSITION', `A communication cannot move from ${args.from} to ${args.to}`);
  }
  return transitionSql(tx, { ...args, detail: args.detail ?? null, ...(args.data ? { set: args.data } : {}) });
}

/** Enqueues a platform write-back in the caller's transaction: it happens if and only if the status change commits. */
export async function queueWriteBack(ctx: EngineContext, tx: Prisma.TransactionClient, job: WriteBackQueueJob): Promise<void> {
  // Nothing to run it: an app without a port for this platform gets no write-back jobs.
  // Read through the transaction: a query on another connection inside it would deadlock PGlite.
  const [store] = await tx.$queryRawUnsafe<Array<{ platform: 'shopify' | 'magento' }>>(`SELECT platform::text AS platform FROM "Store" WHERE id = $1::uuid`, job.storeId);
  if (!store || !ctx.writeBack[store.platform]) return;
  await ctx.boss.send(QUEUES.writeBack, job, { db: transactionExecutor(tx) });
}
