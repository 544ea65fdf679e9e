import { ConnectError } from '@exstream-connect/core';
import type { EngineContext } from './engine-context.ts';
import type { StoreRef } from './types.ts';

const HEX_SIGNATURE = /^[0-9a-f]{64}$/;

/**
 * One-time use of signed module requests (replay protection of the Magento sidecar). The state is
 * in the database (`SignedRequestUse`, unique per store and signature), so every sidecar instance
 * on the same database refuses a request another instance already served.
 */
export function createSignedRequestUses(ctx: EngineContext) {
  return {
    /**
     * Records the first use of `signature` for the store until `expiresAt` (when the signature stops
     * being accepted anyway). Returns false when it was already used. Expired rows of every store
     * are deleted first: they are bookkeeping, not tenant data, and no request can match them.
     */
    async claimOnce(store: StoreRef, use: { signature: string; expiresAt: Date; now?: Date }): Promise<boolean> {
      if (!HEX_SIGNATURE.test(use.signature)) {
        throw new ConnectError('VALIDATION_FAILED', 'Invalid signature', { issues: [{ path: 'signature', message: 'expected 64 lower-case hex characters' }] });
      }
      if (Number.isNaN(use.expiresAt.getTime())) {
        throw new ConnectError('VALIDATION_FAILED', 'Invalid expiry', { issues: [{ path: 'expiresAt', message: 'not a date' }] });
      }
      const now = use.now ?? ctx.clock();
      await ctx.prisma.$executeRawUnsafe(`DELETE FROM "SignedRequestUse" WHERE "expiresAt" < ($1::timestamptz AT TIME ZONE 'UTC')`, now.toISOString());
      const claimed = await ctx.prisma.$queryRawUnsafe<Array<{ claimed: number }>>(
        `INSERT INTO "SignedRequestUse" ("storeId", signature, "expiresAt", "createdAt")
         VALUES ($1::uuid, $2, ($3::timestamptz AT TIME ZONE 'UTC'), ($4::timestamptz AT TIME ZONE 'UTC'))
         ON CONFLICT ("storeId", signature) DO NOTHING
         RETURNING 1 AS claimed`,
        store.id,
        use.signature,
        use.expiresAt.toISOString(),
        now.toISOString(),
      );
      return claimed.length === 1;
    },
  };
}
