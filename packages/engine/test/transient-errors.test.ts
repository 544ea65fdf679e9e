import { describe, expect, it } from 'vitest';
import { ConnectError } from '@exstream-connect/core';
import { isTransientError } from '../src/is-transient-error.ts';
import { eventually, sandboxConnection, startHarness } from './helpers/engine-harness.ts';
import { LIFECYCLE_RULES, shopifyOrder } from './helpers/shopify-fixtures.ts';

/** What node-postgres throws when an administrator (or a failover) terminates the session. */
function terminatedConnection(): Error {
  return Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' });
}

describe('transient database errors', () => {
  it('are told apart from failures of the event itself', () => {
    expect(isTransientError(terminatedConnection())).toBe(true);
    // Prisma's wrapping of a failed raw query, as the soak saw it.
    expect(isTransientError(Object.assign(new Error('Raw query failed. Code: `57P01`. Message: `terminating connection`'), { code: 'P2010', meta: { code: '57P01' } }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransientError(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: '08006' }) }))).toBe(true);
    expect(isTransientError(new ConnectError('NOT_CONFIGURED', 'no template rule'))).toBe(false);
    expect(isTransientError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isTransientError(new TypeError("Cannot read properties of undefined (reading 'lines')"))).toBe(false);
  });

  it('GIVEN the connection is cut while an event is planned THEN the event is retried and its document produced, not marked failed', async () => {
    let cuts = 0;
    const h = await startHarness(
      { name: 'pglite' },
      {
        engine: {
          hooks: {
            beforePlan: () => {
              if (cuts === 0) {
                cuts++;
                throw terminatedConnection();
              }
            },
          },
        },
      },
    );
    try {
      const store = await h.engine.stores.ensureShopifyShop('transient.myshopify.com');
      await h.engine.settings.update(store, { connection: sandboxConnection(h.sandbox), rules: LIFECYCLE_RULES });
      await h.engine.startWorker();
      await h.engine.accept({ platform: 'shopify', storeKey: 'transient.myshopify.com', eventId: 'cut-1', topic: 'orders/create', payload: shopifyOrder(7700000000001) });
      const timeline = await eventually(async () => {
        const t = await h.engine.history.forOrder(store, '7700000000001');
        return t.some((e) => e.documentType === 'order_confirmation' && e.hasDocument) ? t : null;
      }, { timeoutMs: 60_000, what: 'the order confirmation after a retry' });
      expect(cuts).toBe(1);
      expect(timeline.filter((e) => e.documentType === 'order_confirmation')).toHaveLength(1);
      const inbound = await h.db.prisma.inboundEvent.findFirstOrThrow({ where: { storeId: store.id, eventId: 'cut-1' } });
      expect(inbound.state).toBe('processed');
    } finally {
      await h.close();
    }
  });
});
