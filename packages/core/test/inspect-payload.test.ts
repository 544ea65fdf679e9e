import { describe, expect, it } from 'vitest';
import { ConnectError, assertStorablePayload, inspectPayload, mapShopifyWebhook } from '../src/index.ts';
import { SHOP, fixture } from './helpers.ts';

describe('inspectPayload', () => {
  it('names each string holding a NUL character or a lone surrogate by its path', () => {
    const payload = { entity: { customer_firstname: 'Jo\u0000hn', lines: [{ sku: 'ok' }, { sku: 'x\ud800y' }], note: '\udfff' }, fine: '𝄞 paired' };
    expect(inspectPayload(payload)).toEqual([
      { path: 'entity.customer_firstname', message: 'contains a NUL character' },
      { path: 'entity.lines.1.sku', message: 'contains an unpaired surrogate (not valid Unicode text)' },
      { path: 'entity.note', message: 'contains an unpaired surrogate (not valid Unicode text)' },
    ]);
  });

  it('names a field name holding a NUL without repeating the character', () => {
    const [issue] = inspectPayload(JSON.parse('{"a":{"b\\u0000c":1}}'));
    expect(issue).toEqual({ path: 'a.b\\u0000c', message: 'field name contains a NUL character' });
    expect(issue!.path.includes('\u0000')).toBe(false);
  });

  it('reports nesting deeper than the limit without recursing (20,000 levels)', () => {
    const text = '{"d":'.repeat(20_000) + '"bottom"' + '}'.repeat(20_000);
    const issues = inspectPayload(JSON.parse(text), { maxDepth: 64 });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path.split('.')).toHaveLength(64);
    expect(issues[0]!.message).toBe('nested deeper than 64 levels');
    // 64 levels are fine
    expect(inspectPayload(JSON.parse('['.repeat(64) + ']'.repeat(64)))).toEqual([]);
  });

  it('throws VALIDATION_FAILED with the prefix on each path', () => {
    let caught: unknown;
    try {
      assertStorablePayload({ baseUrl: 'https://a\u0000' }, 'settings', { prefix: 'connection' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConnectError);
    expect((caught as ConnectError).code).toBe('VALIDATION_FAILED');
    expect((caught as ConnectError).issues).toEqual([{ path: 'connection.baseUrl', message: 'contains a NUL character' }]);
  });

  it('stops after maxIssues', () => {
    expect(inspectPayload(Array.from({ length: 1000 }, () => '\u0000'), { maxIssues: 5 })).toHaveLength(5);
  });
});

describe('huge numbers in Shopify amounts', () => {
  it('rejects a total of 1e308 as VALIDATION_FAILED naming the field (was a BigInt SyntaxError)', async () => {
    const order = (await fixture('shopify/orders-create')) as Record<string, unknown>;
    order.total_price = 1e308;
    let caught: unknown;
    try {
      mapShopifyWebhook('orders/create', order, SHOP);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConnectError);
    expect((caught as ConnectError).code).toBe('VALIDATION_FAILED');
    expect((caught as ConnectError).issues?.map((i) => i.path)).toContain('total_price');
  });

  it('rejects an id beyond the safe integers', async () => {
    const order = (await fixture('shopify/orders-create')) as Record<string, unknown>;
    order.id = 1e30;
    expect(() => mapShopifyWebhook('orders/create', order, SHOP)).toThrow(ConnectError);
  });
});
