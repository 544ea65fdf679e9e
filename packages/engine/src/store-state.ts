import type { TTemplateRule } from '@exstream-connect/core';
import type { Store } from '@exstream-connect/db';
import type { EngineContext } from './engine-context.ts';
import { toCoreRule } from './plan-and-record.ts';
import { parseStoreSettings } from './settings.ts';
import type { TStoreSettingsJson } from './settings-schema.ts';

export type StoreState = { store: Store; settings: TStoreSettingsJson; rules: TTemplateRule[] };

/**
 * The store row, its parsed settings and its template rules, as the worker needs them for every
 * event: cached for a few seconds, and dropped at once when this process changes them.
 */
export function createStoreStateCache(ctx: Pick<EngineContext, 'prisma'>, options: { ttlMs?: number } = {}) {
  const ttl = options.ttlMs ?? 5_000;
  const entries = new Map<string, { value: StoreState; expires: number }>();
  return {
    async get(storeId: string): Promise<StoreState | null> {
      const hit = entries.get(storeId);
      if (hit && hit.expires > Date.now()) return hit.value;
      const [store, rules] = await Promise.all([
        ctx.prisma.store.findUnique({ where: { id: storeId } }),
        ctx.prisma.templateRule.findMany({ where: { storeId } }),
      ]);
      if (!store) return null;
      const value = { store, settings: parseStoreSettings(store.settings), rules: rules.map(toCoreRule) };
      entries.set(storeId, { value, expires: Date.now() + ttl });
      return value;
    },
    forget(storeId?: string) {
      if (storeId) entries.delete(storeId);
      else entries.clear();
    },
  };
}

export type StoreStateCache = ReturnType<typeof createStoreStateCache>;
