import { describe, expect, it } from 'vitest';
import {
  DOCUMENTS_FOR_EVENT,
  COMMERCE_EVENT_KINDS,
  linesMatchingRule,
  ZTemplateRule,
  nextFallbackChannel,
  planCommunications,
  type TCommerceEvent,
  type TPreference,
  type TTemplateRule,
} from '../src/index.ts';
import { magentoEvent, productFacts, shopifyEvent } from './helpers.ts';

let counter = 0;
function rule(overrides: Partial<TTemplateRule> = {}): TTemplateRule {
  counter += 1;
  return ZTemplateRule.parse({
    id: `r${String(counter).padStart(3, '0')}`,
    eventKind: 'order.placed',
    documentType: 'order_confirmation',
    brand: 'velo',
    locale: null,
    channel: 'email',
    fallbackChannels: [],
    productType: null,
    skuPrefix: null,
    tag: null,
    country: null,
    communicationId: 'comm-order-confirmation',
    serviceName: null,
    templateVersion: '1',
    priority: 0,
    enabled: true,
    ...overrides,
  });
}

const STORE = { defaultBrand: 'velo', defaultLocale: 'en-US' };

/** Order #1001 (helmet + gloves) with the product facts the Shopify adapter passes (Admin GraphQL). */
async function placed(locale: string | null = 'fr-CA'): Promise<TCommerceEvent> {
  const event = await shopifyEvent('orders/create', 'orders-create', { products: await productFacts('shopify-velo-polska') });
  return { ...event, locale, customer: event.customer ? { ...event.customer, locale } : null };
}

function plan(event: TCommerceEvent, rules: TTemplateRule[], preferences: TPreference[] = []) {
  return planCommunications({ event, store: STORE, rules, preferences });
}

describe('planCommunications: locale and brand fallback chain', () => {
  const exact = rule({ id: 'exact', locale: 'fr-CA' });
  const language = rule({ id: 'language', locale: 'fr' });
  const storeDefault = rule({ id: 'store-default', locale: 'en-US' });
  const storeDefaultLanguage = rule({ id: 'store-default-language', locale: 'en' });
  const anyLocale = rule({ id: 'any-locale', locale: null });
  const anyBrand = rule({ id: 'any-brand', brand: null, locale: 'fr-CA' });
  const otherBrand = rule({ id: 'other-brand', brand: 'nordique', locale: 'fr-CA', priority: 100 });

  it.each([
    ['exact locale fr-CA', [exact, language, storeDefault, anyLocale, anyBrand], 'exact'],
    ['language only fr', [language, storeDefault, anyLocale, anyBrand], 'language'],
    ['store default locale en-US', [storeDefault, storeDefaultLanguage, anyLocale, anyBrand], 'store-default'],
    ['store default language en', [storeDefaultLanguage, anyLocale, anyBrand], 'store-default-language'],
    ['brand, any locale', [anyLocale, anyBrand], 'any-locale'],
    ['any brand', [anyBrand, otherBrand], 'any-brand'],
  ])('resolves to %s', async (_step, rules, expected) => {
    const [communication] = plan(await placed('fr-CA'), rules);
    expect(communication).toMatchObject({ status: 'queued', rule: { id: expected }, locale: 'fr-CA', brand: 'velo' });
    expect(communication!.resolution.join('\n')).toContain(`→ ${expected}`);
  });

  it('never picks another brand, even with a higher priority', async () => {
    const [communication] = plan(await placed('fr-CA'), [otherBrand]);
    expect(communication).toMatchObject({ status: 'skipped', rule: null });
    expect(communication!.reason).toContain('brand "velo"');
  });

  it('uses the event brand (Magento store brand) over the store default', async () => {
    const event = await magentoEvent('01-order-placed');
    const [communication] = plan(event, [rule({ id: 'velo' }), rule({ id: 'nordique', brand: 'nordique' })]);
    expect(communication).toMatchObject({ brand: 'nordique', rule: { id: 'nordique' }, locale: 'fr-CA' });
  });

  it('falls back to the store default locale when the event has none', async () => {
    const [communication] = plan(await placed(null), [rule({ id: 'fr', locale: 'fr' }), rule({ id: 'en', locale: 'en-US' })]);
    expect(communication).toMatchObject({ rule: { id: 'en' }, locale: 'en-US' });
  });

  it('normalises Magento-style locales (fr_CA) and matches case-insensitively', async () => {
    const [communication] = plan(await placed('fr_ca'), [rule({ id: 'x', locale: 'FR-ca' })]);
    expect(communication).toMatchObject({ rule: { id: 'x' }, locale: 'fr-CA' });
  });
});

describe('planCommunications: priority and ties', () => {
  it('higher priority wins within the same fallback step', async () => {
    const [communication] = plan(await placed(), [rule({ id: 'low', locale: 'fr-CA', priority: 1 }), rule({ id: 'high', locale: 'fr-CA', priority: 5 })]);
    expect(communication!.rule!.id).toBe('high');
  });

  it('a closer fallback step beats a higher priority', async () => {
    const [communication] = plan(await placed(), [rule({ id: 'exact', locale: 'fr-CA', priority: 0 }), rule({ id: 'language', locale: 'fr', priority: 99 })]);
    expect(communication!.rule!.id).toBe('exact');
  });

  it('a priority tie goes to the more specific rule, then to the smaller id, whatever the input order', async () => {
    const generic = rule({ id: 'a-generic', priority: 3 });
    const specific = rule({ id: 'z-specific', priority: 3, country: 'PL' });
    const twinB = rule({ id: 'twin-b', priority: 3, country: 'PL' });
    const event = await placed();
    expect(plan(event, [generic, specific])[0]!.rule!.id).toBe('z-specific');
    expect(plan(event, [specific, generic])[0]!.rule!.id).toBe('z-specific');
    expect(plan(event, [specific, twinB])[0]!.rule!.id).toBe('twin-b');
    expect(plan(event, [twinB, specific])[0]!.rule!.id).toBe('twin-b');
  });

  it('ignores disabled rules and says so when nothing else is left', async () => {
    const [communication] = plan(await placed(), [rule({ id: 'off', enabled: false })]);
    expect(communication).toMatchObject({ status: 'skipped', rule: null });
    expect(communication!.reason).toContain('1 disabled');
  });
});

describe('planCommunications: matchers (warranty / compliance per product and region)', () => {
  it.each([
    ['productType', { productType: 'helmet' }, { productType: 'Saddle' }],
    ['skuPrefix', { skuPrefix: 'hlm-' }, { skuPrefix: 'BKE-' }],
    ['tag (order tag)', { tag: 'helmet-promo' }, { tag: 'clearance' }],
    ['tag (product tag)', { tag: 'warranty-2y' }, { tag: 'warranty-5y' }],
    ['country', { country: 'PL' }, { country: 'DE' }],
  ])('%s: a matching rule adds the document, a non-matching one is skipped with the reason', async (_name, matching, missing) => {
    const event = await placed();
    const base = { eventKind: 'order.placed' as const, documentType: 'warranty_document' as const, channel: 'print' as const };
    const hit = plan(event, [rule({ id: 'hit', ...base, ...matching })]).find((c) => c.documentType === 'warranty_document');
    expect(hit).toMatchObject({ status: 'queued', channel: 'print', rule: { id: 'hit' } });
    const miss = plan(event, [rule({ id: 'miss', ...base, ...missing })]).find((c) => c.documentType === 'warranty_document');
    expect(miss).toMatchObject({ status: 'skipped', rule: null });
    expect(miss!.resolution.join('\n')).toMatch(/rule miss: (productType|no SKU|tag|country)/);
  });

  it('line matchers must hold for the same line: a helmet whose SKU starts with GLV- is not in the order', async () => {
    const event = await placed();
    const base = { eventKind: 'order.placed' as const, documentType: 'warranty_document' as const, channel: 'print' as const };
    // Each matcher alone finds a line (the helmet is a Helmet, the gloves' SKU starts GLV-)…
    const split = plan(event, [rule({ id: 'split', ...base, productType: 'Helmet', skuPrefix: 'GLV-' })]).find((c) => c.documentType === 'warranty_document');
    // …but no line is both, so the rule does not apply.
    expect(split).toMatchObject({ status: 'skipped', rule: null });
    expect(split!.resolution.join('\n')).toContain('rule split: no single line matches productType "Helmet" and SKU prefix "GLV-"');
    const same = plan(event, [rule({ id: 'same', ...base, productType: 'Helmet', skuPrefix: 'HLM-', tag: 'warranty-2y' })]).find((c) => c.documentType === 'warranty_document');
    expect(same).toMatchObject({ status: 'queued', rule: { id: 'same' } });
    expect(same!.resolution).toContain('same is about line(s) HLM-AERO-M');
  });

  it('linesMatchingRule selects the lines a rule is about; an order tag selects every line', async () => {
    const event = await placed();
    const skus = (r: Partial<TTemplateRule>) => linesMatchingRule(rule(r), event).map((l) => l.sku);
    expect(skus({ productType: 'Helmet' })).toEqual(['HLM-AERO-M']);
    expect(skus({ tag: 'winter' })).toEqual(['GLV-WIN-L']);
    expect(skus({ skuPrefix: 'glv' })).toEqual(['GLV-WIN-L']);
    expect(skus({ tag: 'helmet-promo' })).toEqual(['HLM-AERO-M', 'GLV-WIN-L']);
    expect(skus({ country: 'PL' })).toEqual(['HLM-AERO-M', 'GLV-WIN-L']);
    expect(skus({ productType: 'Saddle' })).toEqual([]);
  });

  it('Magento: matches the merchant type from the module\'s product facts, never the technical type_id', async () => {
    const withFacts = await magentoEvent('01-order-placed', { products: await productFacts('magento-nordique') });
    const base = { brand: 'nordique', eventKind: 'order.placed' as const, documentType: 'warranty_document' as const, channel: 'print' as const };
    expect(plan(withFacts, [rule({ id: 'coat', ...base, productType: 'manteau' })]).find((c) => c.documentType === 'warranty_document')).toMatchObject({ status: 'queued', rule: { id: 'coat' } });
    expect(plan(withFacts, [rule({ id: 'tagged', ...base, tag: 'garantie-2-ans' })]).find((c) => c.documentType === 'warranty_document')).toMatchObject({ status: 'queued' });
    // "configurable" is how Magento builds the jacket, not a type a merchant can target
    const technical = plan(withFacts, [rule({ id: 'technical', ...base, productType: 'configurable' })]).find((c) => c.documentType === 'warranty_document');
    expect(technical).toMatchObject({ status: 'skipped', rule: null });
    // Without facts nothing is known about the products, so a product-type rule cannot match
    const bare = await magentoEvent('01-order-placed');
    expect(plan(bare, [rule({ id: 'coat', ...base, productType: 'manteau' })]).find((c) => c.documentType === 'warranty_document')).toMatchObject({ status: 'skipped' });
  });

  it('a compliance document per region: Polish order gets the PL rule, not the DE one', async () => {
    const event = await placed();
    const plans = plan(event, [
      rule({ id: 'order', locale: null }),
      rule({ id: 'compliance-de', documentType: 'compliance_document', country: 'DE', channel: 'archive' }),
      rule({ id: 'compliance-pl', documentType: 'compliance_document', country: 'PL', channel: 'archive' }),
    ]);
    expect(plans.map((p) => [p.documentType, p.channel, p.status, p.rule?.id ?? null])).toEqual([
      ['order_confirmation', 'email', 'queued', 'order'],
      ['compliance_document', 'archive', 'queued', 'compliance-pl'],
    ]);
  });

  it('matches cart lines for cart events', async () => {
    const event = await shopifyEvent('checkouts/update', 'checkouts-update');
    const [communication] = plan(event, [rule({ id: 'cart', eventKind: 'cart.abandoned', documentType: 'abandoned_cart_reminder', skuPrefix: 'HLM' })]);
    expect(communication).toMatchObject({ status: 'queued', rule: { id: 'cart' }, marketing: true });
  });
});

describe('planCommunications: skipped, suppressed and channel fallback', () => {
  it('an event without any rule is recorded as skipped with the reason, never dropped', async () => {
    const plans = plan(await placed(), []);
    expect(plans).toEqual([
      expect.objectContaining({ documentType: 'order_confirmation', status: 'skipped', rule: null, reason: 'no enabled template rule for order.placed → order_confirmation' }),
    ]);
    expect(plans[0]!.businessKey).toContain('order_confirmation');
  });

  it('marketing to an opted-out customer is suppressed with the reason; transactional mail still goes', async () => {
    const cart = await shopifyEvent('checkouts/update', 'checkouts-update');
    const preferences: TPreference[] = [{ channel: 'email', state: 'opted_out' }];
    const [reminder] = plan(cart, [rule({ eventKind: 'cart.abandoned', documentType: 'abandoned_cart_reminder' })], preferences);
    expect(reminder).toMatchObject({ status: 'suppressed', marketing: true, reason: 'customer opted out of marketing on email' });
    const [confirmation] = plan(await placed(), [rule()], preferences);
    expect(confirmation).toMatchObject({ status: 'queued', marketing: false, channel: 'email' });
  });

  it('a bounced email falls back to the rule\'s next channel (email → print)', async () => {
    const [communication] = plan(await placed(), [rule({ fallbackChannels: ['print'] })], [{ channel: 'email', state: 'bounced' }]);
    expect(communication).toMatchObject({ status: 'queued', channel: 'print', rule: { channel: 'email' } });
    expect(communication!.resolution.join('\n')).toContain('email bounced before; falling back to print');
  });

  it('skips bounced fallbacks too, and is skipped when the rule allows nothing further', async () => {
    const bounced: TPreference[] = [{ channel: 'email', state: 'bounced' }, { channel: 'sms', state: 'bounced' }];
    const [viaWeb] = plan(await placed(), [rule({ fallbackChannels: ['sms', 'web'] })], bounced);
    expect(viaWeb).toMatchObject({ status: 'queued', channel: 'web' });
    const [none] = plan(await placed(), [rule({ fallbackChannels: ['sms'] })], bounced);
    expect(none).toMatchObject({ status: 'skipped', channel: 'email' });
    expect(none!.reason).toContain('allows no further channel');
  });

  it('a guest without an email falls back to print', async () => {
    const event = await placed();
    const withoutEmail = { ...event, customer: { ...event.customer!, email: null } };
    const [communication] = plan(withoutEmail, [rule({ fallbackChannels: ['print'] })]);
    expect(communication).toMatchObject({ status: 'queued', channel: 'print' });
  });

  it('plans one communication per channel a rule exists for (email + archive copy)', async () => {
    const plans = plan(await placed(), [rule({ id: 'mail' }), rule({ id: 'archive', channel: 'archive' })]);
    expect(plans.map((p) => [p.channel, p.rule?.id])).toEqual([
      ['email', 'mail'],
      ['archive', 'archive'],
    ]);
    expect(new Set(plans.map((p) => p.businessKey)).size).toBe(2);
  });

  it('a fallback that lands on a channel already planned is skipped instead of sending twice, whatever the rule order', async () => {
    const rules = [rule({ id: 'print', channel: 'print' }), rule({ id: 'mail', fallbackChannels: ['print'] })];
    const bounced: TPreference[] = [{ channel: 'email', state: 'bounced' }];
    for (const ordered of [rules, [...rules].reverse()]) {
      const plans = plan(await placed(), ordered);
      const summary = plans.map((p) => [p.rule?.id, p.channel, p.status]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(planCommunications({ event: await placed(), store: STORE, rules: ordered, preferences: bounced })
        .map((p) => [p.rule?.id, p.channel, p.status])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
        ['mail', 'print', 'skipped'],
        ['print', 'print', 'queued'],
      ]);
      // Without the bounce both channels go out.
      expect(summary).toEqual([
        ['mail', 'email', 'queued'],
        ['print', 'print', 'queued'],
      ]);
    }
  });

  it('customer.consent_changed plans nothing (it updates preferences)', async () => {
    const event = await magentoEvent('10-customer-consent-changed');
    expect(plan(event, [rule()])).toEqual([]);
  });
});

describe('nextFallbackChannel', () => {
  const r = rule({ channel: 'email', fallbackChannels: ['sms', 'print'] });
  it('returns the next usable channel after the failed one', () => {
    expect(nextFallbackChannel(r, 'email', [])).toBe('sms');
    expect(nextFallbackChannel(r, 'email', [{ channel: 'sms', state: 'bounced' }])).toBe('print');
    expect(nextFallbackChannel(r, 'print', [])).toBeNull();
  });
  it('ignores opt-outs for transactional documents but honours them for marketing', () => {
    expect(nextFallbackChannel(r, 'email', [{ channel: 'sms', state: 'opted_out' }])).toBe('sms');
    const marketing = { ...r, documentType: 'abandoned_cart_reminder' as const };
    expect(nextFallbackChannel(marketing, 'email', [{ channel: 'sms', state: 'opted_out' }])).toBe('print');
  });
});

describe('DOCUMENTS_FOR_EVENT', () => {
  it('has an entry for every event kind', () => {
    expect(Object.keys(DOCUMENTS_FOR_EVENT).sort()).toEqual([...COMMERCE_EVENT_KINDS].sort());
  });
});
