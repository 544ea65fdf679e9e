import { describe, expect, it } from 'vitest';
import { ZMagentoEventEnvelope, isConnectError, linesMatchingRule, mapMagentoEvent, planCommunications, ZTemplateRule, type TCommerceEvent } from '../src/index.ts';
import { fixture, productFacts } from './helpers.ts';

const WITH_PRODUCTS = 'magento/envelopes/15-order-placed-with-products';

const warrantyRule = (matchers: { productType?: string; tag?: string }) =>
  ZTemplateRule.parse({
    id: 'coat-warranty', eventKind: 'order.placed', documentType: 'warranty_document', brand: null, locale: null, channel: 'email',
    fallbackChannels: [], productType: matchers.productType ?? null, skuPrefix: null, tag: matchers.tag ?? null, country: null,
    communicationId: 'comm-warranty', serviceName: null, templateVersion: '1', priority: 0, enabled: true,
  });

const linesOf = (event: TCommerceEvent) => event.order!.lines.map((l) => [l.sku, l.productType, l.attributeSet, l.tags]);

describe('Magento envelopes carry product facts (`products`)', () => {
  it('15-order-placed-with-products carries exactly the facts core documents for order 000000142', async () => {
    const envelope = (await fixture(WITH_PRODUCTS)) as { products: unknown };
    expect(ZMagentoEventEnvelope.parse(envelope).products).toEqual(await ZMagentoEventEnvelope.shape.products.parseAsync(await productFacts('magento-nordique')));
  });

  it('mapMagentoEvent puts the envelope facts on the lines without any context', async () => {
    const [event] = mapMagentoEvent(await fixture(WITH_PRODUCTS)).events;
    expect(linesOf(event!)).toEqual([
      ['JKT-HIVER-M', 'Manteau', "Vêtements d'hiver", ['garantie-2-ans']],
      ['WRN-GANT-01', 'Gants', 'Accessoires', ['laine-mérinos']],
    ]);
    // The same order without `products`: no facts, as before.
    const [bare] = mapMagentoEvent(await fixture('magento/envelopes/01-order-placed')).events;
    expect(bare!.order!.lines.every((l) => l.productType === null && l.tags.length === 0)).toBe(true);
  });

  it('a productType rule (the configured attribute) and a tag rule select only the coat', async () => {
    const [event] = mapMagentoEvent(await fixture(WITH_PRODUCTS)).events;
    for (const rule of [warrantyRule({ productType: 'Manteau' }), warrantyRule({ tag: 'garantie-2-ans' })]) {
      const plan = planCommunications({ event: event!, store: { defaultBrand: 'nordique', defaultLocale: 'fr-CA' }, rules: [rule], preferences: [] }).find((p) => p.documentType === 'warranty_document');
      expect(plan?.status).toBe('queued');
      expect(linesMatchingRule(rule, event!).map((l) => l.sku)).toEqual(['JKT-HIVER-M']);
    }
  });

  it('context.products replaces the envelope facts', async () => {
    const [event] = mapMagentoEvent(await fixture(WITH_PRODUCTS), { products: [{ sku: 'WRN-GANT-01', productType: 'Mitaines' }] }).events;
    expect(event!.order!.lines.map((l) => l.productType)).toEqual([null, 'Mitaines']);
  });

  it('a bad fact is VALIDATION_FAILED naming products.<i>.<field>', async () => {
    const envelope = (await fixture(WITH_PRODUCTS)) as { products: Array<Record<string, unknown>> };
    envelope.products[1] = { ...envelope.products[1], tags: 'laine' };
    envelope.products.push({ productType: 'Orphan' });
    try {
      mapMagentoEvent(envelope);
      expect.unreachable('the mapper accepted bad facts');
    } catch (error) {
      expect(isConnectError(error) && error.code).toBe('VALIDATION_FAILED');
      const paths = (error as { issues: Array<{ path: string }> }).issues.map((i) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['products.1.tags', 'products.2.productId']));
    }
  });
});
