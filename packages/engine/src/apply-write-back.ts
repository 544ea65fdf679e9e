import type { EngineContext, WriteBackQueueJob } from './engine-context.ts';

/**
 * Runs one queued write-back through the app's port. The order summary is computed now, not when
 * the job was queued, so a burst of status changes converges on the latest state.
 */
export async function applyWriteBack(ctx: EngineContext, job: WriteBackQueueJob): Promise<void> {
  const store = await ctx.prisma.store.findUnique({ where: { id: job.storeId }, select: { id: true, platform: true, externalKey: true, uninstalledAt: true } });
  if (!store || store.uninstalledAt) return;
  const port = ctx.writeBack[store.platform];
  if (!port) return;
  let summary: unknown;
  if (job.kind === 'order_summary' && job.orderRef) {
    const rows = await ctx.prisma.communication.findMany({
      where: { storeId: store.id, orderRef: job.orderRef },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, documentType: true, channel: true, status: true, updatedAt: true, lastError: true },
    });
    summary = {
      communications: rows.map((r) => ({ id: r.id, documentType: r.documentType, channel: r.channel, status: r.status, at: r.updatedAt.toISOString(), error: r.lastError })),
      failed: rows.filter((r) => r.status === 'failed').length,
      updatedAt: ctx.clock().toISOString(),
    };
  }
  await port.apply({
    kind: job.kind,
    storeKey: store.externalKey,
    orderRef: job.orderRef ?? null,
    customerRef: job.customerRef ?? null,
    email: job.email ?? null,
    ...(summary !== undefined ? { summary } : {}),
    ...(job.consent ? { consent: job.consent } : {}),
  });
}
