import { ZTemplateRule, buildDocumentData, mapMagentoEvent, mapShopifyWebhook, planCommunications } from '../src/index.ts';

// The README's worked examples: the code between the `#region readme:<name>` markers is the README's
// code block, verbatim (test/readme-examples.test.ts checks it and the printed output).

export function shopifyExample(payload: unknown, show: (output: unknown) => void): void {
  // #region readme:shopify
  // What the Shopify adapter passes: Admin GraphQL `Product { id productType tags }` per line item.
  const products = [
    { productId: 'gid://shopify/Product/8712442880189', productType: 'Helmet', tags: ['warranty-2y', 'EN 1078'] },
    { productId: 'gid://shopify/Product/8712443011261', productType: 'Gloves', tags: ['winter'] },
  ];
  const { events } = mapShopifyWebhook('orders/create', payload, { shopDomain: 'velo-polska.myshopify.com', products });
  const event = events[0]!;

  const base = { brand: 'velo', locale: null, fallbackChannels: [], productType: null, skuPrefix: null, tag: null, country: null,
    communicationId: null, serviceName: null, templateVersion: '1', priority: 0, enabled: true, eventKind: 'order.placed' };
  const rules = [
    ZTemplateRule.parse({ ...base, id: 'oc-pl', documentType: 'order_confirmation', channel: 'email', locale: 'pl', fallbackChannels: ['print'] }),
    ZTemplateRule.parse({ ...base, id: 'oc-en', documentType: 'order_confirmation', channel: 'email', locale: 'en', priority: 10 }),
    ZTemplateRule.parse({ ...base, id: 'helmet-warranty', documentType: 'warranty_document', channel: 'print', productType: 'Helmet' }),
  ];
  const plans = planCommunications({ event, rules, store: { defaultBrand: 'velo', defaultLocale: 'en-GB' },
    preferences: [{ channel: 'email', state: 'bounced' }] });

  const warrantyPlan = plans.find((p) => p.documentType === 'warranty_document')!;
  const warranty = buildDocumentData({ event, documentType: 'warranty_document', channel: warrantyPlan.channel, rule: warrantyPlan.rule,
    store: { name: 'Velo Polska', brand: warrantyPlan.brand, locale: warrantyPlan.locale, timezone: 'Europe/Warsaw' },
    meta: { communicationId: 'cm-1', templateVersion: '1', idempotencyKey: warrantyPlan.businessKey } });

  show({
    event: { kind: event.kind, orderRef: event.orderRef, orderNumber: event.orderNumber, locale: event.locale,
      shopCurrency: event.order?.currency, total: event.order?.totals.total, totalInShopCurrency: event.order?.totals.totalInShopCurrency,
      lines: event.order?.lines.map((l) => `${l.sku} ${l.productType} [${l.tags.join(', ')}]`) },
    plans: plans.map((p) => ({ documentType: p.documentType, channel: p.channel, status: p.status, rule: p.rule?.id ?? null,
      businessKey: p.businessKey, resolution: p.resolution })),
    warrantyProducts: 'products' in warranty ? warranty.products.map((l) => l.sku) : null,
  });
  // #endregion readme:shopify
}

export function magentoExample(envelope: unknown, show: (output: unknown) => void): void {
  // #region readme:magento
  // What the Magento module sends for the order's items (merchant type, tags, categories, attribute set).
  const products = [
    { productId: 1201, variantId: 1202, sku: 'JKT-HIVER-M', productType: 'Manteau', tags: ['garantie-2-ans'], attributeSet: "Vêtements d'hiver" },
    { productId: 1310, sku: 'WRN-GANT-01', productType: 'Gants', tags: ['laine-mérinos'], attributeSet: 'Accessoires' },
  ];
  const { events } = mapMagentoEvent(envelope, { products });
  const event = events[0]!;

  const base = { brand: null, locale: null, fallbackChannels: [], productType: null, skuPrefix: null, tag: null, country: null,
    communicationId: null, serviceName: null, templateVersion: '4', priority: 0, enabled: true, eventKind: 'fulfillment.created' };
  const rules = [
    ZTemplateRule.parse({ ...base, id: 'ship-any', documentType: 'shipping_notice', channel: 'email' }),
    ZTemplateRule.parse({ ...base, id: 'ship-fr', documentType: 'shipping_notice', channel: 'email', brand: 'nordique', locale: 'fr' }),
    ZTemplateRule.parse({ ...base, id: 'slip', documentType: 'packing_slip', channel: 'print', brand: 'nordique' }),
  ];
  const plans = planCommunications({ event, rules, store: { defaultBrand: 'main', defaultLocale: 'en-US' }, preferences: [] });

  const noticePlan = plans.find((p) => p.documentType === 'shipping_notice')!;
  const notice = buildDocumentData({ event, documentType: 'shipping_notice', channel: noticePlan.channel, rule: noticePlan.rule,
    store: { name: 'Boutique Nordique', brand: noticePlan.brand, locale: noticePlan.locale, timezone: 'America/Toronto' },
    meta: { communicationId: 'cm-2', templateVersion: '4', idempotencyKey: noticePlan.businessKey } });

  show({
    event: { kind: event.kind, orderRef: event.orderRef, brand: event.brand, locale: event.locale, presentmentCurrency: event.order?.presentmentCurrency,
      lines: event.order?.lines.map((l) => `${l.sku} ${l.productType} (Magento type ${l.platformProductType})`) },
    plans: plans.map((p) => ({ documentType: p.documentType, channel: p.channel, status: p.status, rule: p.rule?.id ?? null, locale: p.locale })),
    notice: { documentType: notice.documentType, currency: notice.currency, recipient: notice.recipient.name, city: notice.shippingAddress?.city,
      shipment: 'shipment' in notice && notice.shipment
        ? { carrier: notice.shipment.carrier, trackingNumbers: notice.shipment.trackingNumbers, lines: notice.shipment.lines.map((l) => `${l.quantity} × ${l.name}`) }
        : null },
  });
  // #endregion readme:magento
}
