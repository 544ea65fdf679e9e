/**
 * The raw Shopify webhook bodies the engine keeps for some orders (InboundEvent.payload.raw), for
 * customers/data_request: `orders_requested` names orders whose data the merchant must hand over,
 * and those bodies are data we hold about them. The engine's `compliance.exportCustomer` exports
 * history, preferences and document data but not these, so the app reads them itself, from the
 * database the composition root gave it (the same one its sessions live in), scoped by store.
 */
export type StoredOrderPayload = { orderRef: string; topic: string; eventId: string; receivedAt: string; payload: unknown };

type InboundRow = { orderRef: string | null; topic: string; eventId: string; receivedAt: Date; payload: unknown };
/** The one Prisma delegate used, typed structurally so the Remix build needs no database package. */
export type InboundEventReader = {
  inboundEvent: {
    findMany(args: {
      where: { storeId: string; platform: 'shopify'; orderRef: { in: string[] } };
      orderBy: Array<Record<string, 'asc' | 'desc'>>;
      take: number;
      select: { orderRef: true; topic: true; eventId: true; receivedAt: true; payload: true };
    }): Promise<InboundRow[]>;
  };
};

const MAX_ROWS = 1000;

export type StoredOrderPayloads = (storeId: string, orderRefs: string[]) => Promise<StoredOrderPayload[]>;

export function createStoredOrderPayloads(prisma: InboundEventReader): StoredOrderPayloads {
  return async (storeId, orderRefs) => {
    if (orderRefs.length === 0) return [];
    const rows = await prisma.inboundEvent.findMany({
      where: { storeId, platform: 'shopify', orderRef: { in: [...new Set(orderRefs)] } },
      orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
      take: MAX_ROWS,
      select: { orderRef: true, topic: true, eventId: true, receivedAt: true, payload: true },
    });
    return rows.flatMap((row) => {
      // A redacted row keeps `{ redacted: true }` and no body: nothing is held any more.
      const raw = row.payload && typeof row.payload === 'object' ? (row.payload as { raw?: unknown }).raw : undefined;
      if (raw === undefined || row.orderRef === null) return [];
      return [{ orderRef: row.orderRef, topic: row.topic, eventId: row.eventId, receivedAt: row.receivedAt.toISOString(), payload: raw }];
    });
  };
}
