import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ZTemplateRule, mapShopifyWebhook } from '@exstream-connect/core';
import { planRows } from '../src/plan-and-record.ts';

const FIXTURES = new URL('../../core/test/fixtures/', import.meta.url);
const json = async (path: string): Promise<unknown> => JSON.parse(await readFile(new URL(path, FIXTURES), 'utf8'));

describe('planRows: warranty documents are per product', () => {
  it('builds a helmet warranty for order #1001 (helmet + gloves) listing only the helmet', async () => {
    // GIVEN the order with the product facts the Shopify adapter passes, and a helmet warranty rule
    const { events } = mapShopifyWebhook('orders/create', await json('shopify/orders-create.json'), {
      shopDomain: 'velo-polska.myshopify.com',
      products: (await json('product-facts/shopify-velo-polska.json')) as never,
    });
    const rule = ZTemplateRule.parse({
      id: 'helmet-warranty', eventKind: 'order.placed', documentType: 'warranty_document', brand: null, locale: null, channel: 'print',
      fallbackChannels: [], productType: 'Helmet', skuPrefix: null, tag: null, country: null, communicationId: 'comm-warranty',
      serviceName: null, templateVersion: '1', priority: 0, enabled: true,
    });

    // WHEN the engine plans and builds the rows
    const rows = planRows({
      store: { id: '00000000-0000-4000-8000-000000000001', name: 'Velo Polska', timezone: 'Europe/Warsaw', defaultBrand: 'velo', defaultLocale: 'pl', dryRun: false },
      event: events[0]!,
      rules: [rule],
      preferences: [],
      inboundEventId: null,
    });

    // THEN the warranty row's document lists the helmet only
    const warranty = rows.find((r) => r.plan.documentType === 'warranty_document');
    expect(warranty?.buildError).toBeNull();
    expect(warranty?.data.status).toBe('queued');
    const data = warranty!.data.documentData as { products: Array<{ sku: string }>; order: { lines: Array<{ sku: string }> } };
    expect(data.products.map((p) => p.sku)).toEqual(['HLM-AERO-M']);
    expect(data.order.lines.map((l) => l.sku)).toEqual(['HLM-AERO-M', 'GLV-WIN-L']);
  });
});
