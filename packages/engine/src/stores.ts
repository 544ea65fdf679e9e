import { ConnectError } from '@exstream-connect/core';
import type { Store } from '@exstream-connect/db';
import type { EngineContext } from './engine-context.ts';
import type { PlatformName, StoreInfo } from './types.ts';
import { z } from 'zod';

export const ZRegisterMagentoStore = z.object({
  storeKey: z.string().min(1).max(500),
  signingSecret: z.string().min(16, 'must be at least 16 characters').max(500),
  name: z.string().min(1).max(200),
  baseUrl: z.string().url().optional(),
  defaultLocale: z.string().min(2).max(20).optional(),
  defaultBrand: z.string().min(1).max(100).optional(),
  currency: z.string().length(3).optional(),
});
export type TRegisterMagentoStore = z.infer<typeof ZRegisterMagentoStore>;

export function toStoreInfo(store: Store): StoreInfo {
  return {
    id: store.id,
    platform: store.platform,
    storeKey: store.externalKey,
    name: store.name,
    installed: store.uninstalledAt === null,
    defaultBrand: store.defaultBrand,
    defaultLocale: store.defaultLocale,
    dryRun: store.dryRun,
  };
}

export function zodIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

export function createStoresApi(ctx: EngineContext) {
  const { prisma, secretBox } = ctx;
  return {
    async ensureShopifyShop(shopDomain: string, input: { name?: string } = {}): Promise<StoreInfo> {
      const domain = shopDomain.trim().toLowerCase();
      if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(domain)) {
        throw new ConnectError('VALIDATION_FAILED', 'Invalid shop domain', { issues: [{ path: 'shopDomain', message: 'must be a <name>.myshopify.com domain' }] });
      }
      const store = await prisma.store.upsert({
        where: { platform_externalKey: { platform: 'shopify', externalKey: domain } },
        create: { platform: 'shopify', externalKey: domain, name: input.name ?? domain },
        // A re-install revives the store with its history and settings.
        update: { uninstalledAt: null, ...(input.name ? { name: input.name } : {}) },
      });
      ctx.storeCache.clear();
      ctx.storeState.forget();
      return toStoreInfo(store);
    },

    async registerMagentoStore(raw: TRegisterMagentoStore): Promise<StoreInfo> {
      const parsed = ZRegisterMagentoStore.safeParse(raw);
      if (!parsed.success) {
        throw new ConnectError('VALIDATION_FAILED', 'Invalid Magento store registration', { issues: zodIssues(parsed.error) });
      }
      const input = parsed.data;
      const fields = {
        name: input.name,
        signingSecretEnc: secretBox.encrypt(input.signingSecret),
        ...(input.defaultLocale ? { defaultLocale: input.defaultLocale } : {}),
        ...(input.defaultBrand ? { defaultBrand: input.defaultBrand } : {}),
        ...(input.currency ? { currency: input.currency } : {}),
      };
      const store = await prisma.store.upsert({
        where: { platform_externalKey: { platform: 'magento', externalKey: input.storeKey } },
        create: { platform: 'magento', externalKey: input.storeKey, ...fields },
        update: { ...fields, uninstalledAt: null },
      });
      ctx.storeCache.clear();
      ctx.storeState.forget();
      return toStoreInfo(store);
    },

    async find(platform: PlatformName, storeKey: string): Promise<StoreInfo | null> {
      const store = await prisma.store.findUnique({ where: { platform_externalKey: { platform, externalKey: normaliseKey(platform, storeKey) } } });
      return store ? toStoreInfo(store) : null;
    },

    async signingSecret(storeKey: string): Promise<string | null> {
      const store = await prisma.store.findUnique({
        where: { platform_externalKey: { platform: 'magento', externalKey: storeKey } },
        select: { signingSecretEnc: true, uninstalledAt: true },
      });
      if (!store?.signingSecretEnc || store.uninstalledAt) return null;
      return secretBox.decrypt(store.signingSecretEnc);
    },

    async markUninstalled(platform: PlatformName, storeKey: string): Promise<void> {
      // updateMany: a repeated uninstall (webhooks arrive more than once) is not an error.
      await prisma.store.updateMany({
        where: { platform, externalKey: normaliseKey(platform, storeKey), uninstalledAt: null },
        data: { uninstalledAt: ctx.clock() },
      });
      ctx.storeCache.clear();
      ctx.storeState.forget();
    },
  };
}

export type StoresApi = ReturnType<typeof createStoresApi>;

export function normaliseKey(platform: PlatformName, storeKey: string): string {
  return platform === 'shopify' ? storeKey.trim().toLowerCase() : storeKey;
}

/** Loads a store by id or throws NOT_FOUND: every scoped call starts here. */
export async function requireStore(ctx: EngineContext, ref: { id: string }): Promise<Store> {
  const store = await ctx.prisma.store.findUnique({ where: { id: ref.id } });
  if (!store) throw new ConnectError('NOT_FOUND', 'Store not found');
  return store;
}
