import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@exstream-connect/db/testing';
import { STATS_DAYS } from '../src/history.ts';
import { startHarness, type Harness } from './helpers/engine-harness.ts';

// 2026-12-01 10:30 UTC is already 2026-12-01 23:30 in Auckland (UTC+13 in summer) and still
// 2026-12-01 02:30 in Los Angeles (UTC-8): the same rows fall on different merchant days.
const NOW = new Date('2026-12-01T10:30:00Z');

for (const target of testDatabaseTargets()) {
  describe(`dashboard stats on ${target.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(target, { engine: { clock: () => NOW } });
    });
    afterAll(async () => h?.close());

    async function storeIn(timezone: string, key: string) {
      const store = await h.engine.stores.ensureShopifyShop(`${key}.myshopify.com`);
      await h.db.prisma.store.update({ where: { id: store.id }, data: { timezone } });
      const at = (iso: string, status: 'opened' | 'sent' | 'failed' | 'skipped' | 'queued' | 'bounced', n = 1) =>
        Promise.all(
          Array.from({ length: n }, (_, i) =>
            h.db.prisma.communication.create({
              data: { storeId: store.id, businessKey: `${key}|${iso}|${status}|${i}`, documentType: 'order_confirmation', channel: 'email', status, idempotencyKey: `${key}-${iso}-${status}-${i}`, createdAt: new Date(iso) },
            }),
          ),
        );
      // 2026-11-30 20:00 UTC = 2026-12-01 09:00 Auckland = 2026-11-30 12:00 Los Angeles.
      await at('2026-11-30T20:00:00Z', 'opened', 3);
      await at('2026-11-30T20:00:00Z', 'failed');
      // 2026-12-01 09:00 UTC = 2026-12-01 22:00 Auckland = 2026-12-01 01:00 Los Angeles.
      await at('2026-12-01T09:00:00Z', 'sent', 2);
      await at('2026-12-01T09:00:00Z', 'skipped');
      await at('2026-12-01T09:00:00Z', 'queued');
      await at('2026-12-01T09:00:00Z', 'bounced');
      // Older than the chart: never counted.
      await at('2026-10-01T12:00:00Z', 'failed', 4);
      return store;
    }

    it('counts "today" in the store time zone and fills every chart day, oldest first', async () => {
      const auckland = await h.engine.history.stats(await storeIn('Pacific/Auckland', 'nz'));
      expect(auckland.timezone).toBe('Pacific/Auckland');
      expect(auckland.days).toHaveLength(STATS_DAYS);
      expect(auckland.days[0]!.day).toBe('2026-11-18');
      expect(auckland.days.at(-1)!.day).toBe('2026-12-01');
      // In Auckland every row of the last 24 h is "today".
      expect(auckland.today).toBe(9);
      expect(auckland.failedToday).toBe(1);
      expect(auckland.failureRate).toBeCloseTo(1 / 9, 10);
      expect(auckland.days.at(-1)!.byOutcome).toEqual({ delivered: 3, sent: 2, pending: 1, bounced: 1, failed: 1, not_sent: 1 });
      expect(auckland.days.slice(0, -1).every((d) => d.total === 0)).toBe(true);

      const losAngeles = await h.engine.history.stats(await storeIn('America/Los_Angeles', 'la'));
      expect(losAngeles.days.at(-1)!.day).toBe('2026-12-01');
      expect(losAngeles.today).toBe(5);
      expect(losAngeles.failedToday).toBe(0);
      expect(losAngeles.days.at(-2)).toEqual({ day: '2026-11-30', total: 4, byOutcome: { delivered: 3, sent: 0, pending: 0, bounced: 0, failed: 1, not_sent: 0 } });
      // Each store sees only its own rows (the two stores hold the same timestamps).
      expect(losAngeles.days.reduce((sum, d) => sum + d.total, 0)).toBe(9);
    });

    it('falls back to UTC for a time zone the runtime does not know', async () => {
      const stats = await h.engine.history.stats(await storeIn('Mars/Olympus_Mons', 'mars'));
      expect(stats.timezone).toBe('UTC');
      expect(stats.today).toBe(5);
    });
  });
}
