import type { Channel, PreferenceState, PrismaClient } from '../generated/prisma/client.ts';
import type { StoreRef } from './stores.ts';

export function createPreferenceRepository(prisma: PrismaClient) {
  return {
    listForCustomer(store: StoreRef, customerRef: string) {
      return prisma.customerPreference.findMany({ where: { storeId: store.id, customerRef } });
    },
    set(store: StoreRef, input: { customerRef: string; channel: Channel; state: PreferenceState; source: string }) {
      const { customerRef, channel, state, source } = input;
      return prisma.customerPreference.upsert({
        where: { storeId_customerRef_channel: { storeId: store.id, customerRef, channel } },
        create: { storeId: store.id, customerRef, channel, state, source },
        update: { state, source },
      });
    },
  };
}

export type PreferenceRepository = ReturnType<typeof createPreferenceRepository>;
