import type { PrismaClient, Platform, Store } from '../generated/prisma/client.ts';

export type StoreRef = { id: string };

/** Stores are looked up by their platform key; everything below a store is read through its id. */
export function createStoreRepository(prisma: PrismaClient) {
  return {
    findByExternalKey(platform: Platform, externalKey: string): Promise<Store | null> {
      return prisma.store.findUnique({ where: { platform_externalKey: { platform, externalKey } } });
    },
    get(store: StoreRef): Promise<Store | null> {
      return prisma.store.findUnique({ where: { id: store.id } });
    },
    upsert(input: { platform: Platform; externalKey: string; name: string; defaultBrand?: string; defaultLocale?: string; timezone?: string; currency?: string }) {
      const { platform, externalKey, ...rest } = input;
      return prisma.store.upsert({
        where: { platform_externalKey: { platform, externalKey } },
        create: { platform, externalKey, ...rest },
        update: { ...rest, uninstalledAt: null },
      });
    },
    markUninstalled(store: StoreRef, at = new Date()) {
      // updateMany: a repeated app/uninstalled for an already-gone store is not an error.
      return prisma.store.updateMany({ where: { id: store.id, uninstalledAt: null }, data: { uninstalledAt: at } });
    },
  };
}

export type StoreRepository = ReturnType<typeof createStoreRepository>;
