import path from 'node:path';
import { createDatabase, createSecretBox, loadSecretKey } from '@exstream-connect/db';
import { createEngine } from '@exstream-connect/engine';
import { checkProblemNamed } from './expect-problem-named.ts';
import type { AcknowledgedWebhook, FuzzFailure, FuzzSummary } from './run-fuzz.ts';

export type StoredWebhookCheck = {
  /** Rejected webhooks found with their reason (engine.inbound.listRejected). */
  rejectedStored: number;
  /** Accepted webhooks found as inbound events. */
  acceptedStored: number;
  failures: FuzzFailure[];
};

/**
 * Shopify answers 200 to a signed webhook our mapper refuses (a retry could never succeed), so the
 * HTTP answer cannot show whether the problem was named. This looks at what the product kept:
 * after it STOPPED (PGlite has one owner), it opens the product's data dir with the engine and
 * checks that every webhook answered 200-rejected is listed by `engine.inbound.listRejected` with
 * a reason naming its problem (the same expectation a 4xx must meet), and that every other 200 is
 * a stored inbound event: nothing acknowledged is lost.
 */
export async function checkStoredWebhooks(dataDir: string, shop: string, summary: Pick<FuzzSummary, 'webhooksRejected' | 'webhooksAccepted'>): Promise<StoredWebhookCheck> {
  const db = await createDatabase({ url: path.join(dataDir, 'pglite') });
  const failures: FuzzFailure[] = [];
  let rejectedStored = 0;
  let acceptedStored = 0;
  try {
    const key = await loadSecretKey({ envValue: undefined, dataDir, mode: 'embedded' });
    const engine = await createEngine({ db, secretBox: createSecretBox(key.key) });
    try {
      const store = await engine.stores.find('shopify', shop);
      if (!store) throw new Error(`${shop} is not a store of the product`);
      const reasons = new Map<string, string>();
      let cursor: string | undefined;
      // Bounded: 200 per page, at most 10,000 pages.
      for (let page = 0; page < 10_000; page++) {
        const result = await engine.inbound.listRejected(store, { limit: 200, ...(cursor ? { cursor } : {}) });
        for (const item of result.items) reasons.set(item.eventId, item.error);
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      const fail = (w: AcknowledgedWebhook, problem: string) => failures.push({ index: w.index, target: 'shopify-webhook', category: w.category, note: w.note, status: 200, problem, body: '' });
      for (const w of summary.webhooksRejected) {
        const reason = reasons.get(w.eventId);
        if (reason === undefined) {
          fail(w, 'answered 200 as rejected, but no rejected inbound event was stored');
          continue;
        }
        // The stored reason is "path: message; …": checked like a 4xx message.
        const unnamed = reason.trim() === '' ? 'the stored rejected event has no reason' : checkProblemNamed(w.expected, 200, JSON.stringify({ error: { message: reason } }));
        if (unnamed) fail(w, `stored rejection: ${unnamed}`);
        else rejectedStored++;
      }
      const ids = summary.webhooksAccepted.map((w) => w.eventId);
      const found = new Set<string>();
      for (let i = 0; i < ids.length; i += 500) {
        const rows = await db.prisma.inboundEvent.findMany({ where: { storeId: store.id, eventId: { in: ids.slice(i, i + 500) } }, select: { eventId: true } });
        for (const row of rows) found.add(row.eventId);
      }
      for (const w of summary.webhooksAccepted) {
        if (found.has(w.eventId)) acceptedStored++;
        else fail(w, 'answered 200 (accepted), but no inbound event was stored');
      }
    } finally {
      await engine.stop();
    }
  } finally {
    await db.close();
  }
  return { rejectedStored, acceptedStored, failures };
}
