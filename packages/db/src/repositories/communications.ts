import type { PrismaClient } from '../generated/prisma/client.ts';
import type { StoreRef } from './stores.ts';

/** Every read takes the store: there is no way to fetch another tenant's history through here. */
export function createCommunicationRepository(prisma: PrismaClient) {
  return {
    listByOrder(store: StoreRef, orderRef: string) {
      return prisma.communication.findMany({
        where: { storeId: store.id, orderRef },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: { events: { orderBy: { seq: 'asc' } } },
      });
    },
    listByCustomer(store: StoreRef, customerRef: string) {
      return prisma.communication.findMany({
        where: { storeId: store.id, customerRef },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
    },
    get(store: StoreRef, id: string) {
      return prisma.communication.findFirst({ where: { storeId: store.id, id }, include: { events: { orderBy: { seq: 'asc' } } } });
    },
    listRecent(store: StoreRef, options: { take?: number; status?: string[]; before?: Date } = {}) {
      return prisma.communication.findMany({
        where: {
          storeId: store.id,
          ...(options.status ? { status: { in: options.status as never[] } } : {}),
          ...(options.before ? { createdAt: { lt: options.before } } : {}),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: options.take ?? 50,
      });
    },
  };
}

export type CommunicationRepository = ReturnType<typeof createCommunicationRepository>;
