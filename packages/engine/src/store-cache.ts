import type { PrismaClient } from '@exstream-connect/db';
import type { PlatformName } from './types.ts';

export type CachedStore = { id: string; externalKey: string; uninstalled: boolean };

/**
 * accept() looks its store up on every event; a few seconds of caching removes that query from
 * the hot path. Local changes (install, uninstall) clear the entry at once; other instances see
 * them within the TTL.
 */
export function createStoreCache(prisma: PrismaClient, options: { ttlMs?: number; now?: () => number } = {}) {
  const ttl = options.ttlMs ?? 5_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: CachedStore | null; expires: number }>();
  return {
    async get(platform: PlatformName, externalKey: string): Promise<CachedStore | null> {
      const key = `${platform}\u001f${externalKey}`;
      const hit = entries.get(key);
      if (hit && hit.expires > now()) return hit.value;
      const rows = await prisma.$queryRawUnsafe<Array<{ id: string; externalKey: string; uninstalledAt: Date | null }>>(
        `SELECT id, "externalKey", "uninstalledAt" FROM "Store" WHERE platform = $1::"Platform" AND "externalKey" = $2`,
        platform,
        externalKey,
      );
      const row = rows[0];
      const value = row ? { id: row.id, externalKey: row.externalKey, uninstalled: row.uninstalledAt !== null } : null;
      // Unknown stores are not cached: a store registered a moment later must be found.
      if (value) entries.set(key, { value, expires: now() + ttl });
      return value;
    },
    clear() {
      entries.clear();
    },
  };
}

export type StoreCache = ReturnType<typeof createStoreCache>;
