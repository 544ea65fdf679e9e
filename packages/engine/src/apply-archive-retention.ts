import type { EngineContext } from './engine-context.ts';

/**
 * `archive.storeDocumentData = false`: the store keeps the SHA-256 of what was sent and a pointer
 * to the output (document reference, stored PDF), not the data itself. New sends drop the data as
 * they record `sent` (delivery-writer); this drops it from rows sent before the switch. Rows still
 * to be sent (queued, sending, failed) keep it until they are sent: it is what goes to Exstream.
 * Returns the number of rows cleared.
 */
export async function dropSentDocumentData(ctx: EngineContext, storeId: string): Promise<number> {
  return ctx.prisma.$executeRawUnsafe(
    `UPDATE "Communication" SET "documentData" = NULL
     WHERE "storeId" = $1::uuid AND status IN ('sent', 'delivered', 'opened', 'bounced') AND "documentData" IS NOT NULL AND "redactedAt" IS NULL`,
    storeId,
  );
}
