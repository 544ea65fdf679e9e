import { z } from 'zod';
import type { TCommerceEvent, TLine } from './commerce-event.ts';
import { businessKeyFor } from './business-key.ts';
import { ZChannel, type TChannel } from './channel.ts';
import { DOCUMENTS_FOR_EVENT, ZDocumentType, isMarketingDocument, type TDocumentType } from './document-types.ts';
import { isChannelUsable, nextFallbackChannel } from './next-fallback-channel.ts';
import { ZTemplateRule, type TPreference, type TTemplateRule } from './template-rule.ts';

export const ZPlannedCommunication = z.object({
  documentType: ZDocumentType,
  /** The channel to send on (after preference fallback); nominally "email" for a skipped plan with no rule. */
  channel: ZChannel,
  marketing: z.boolean(),
  status: z.enum(['queued', 'skipped', 'suppressed']),
  reason: z.string().nullable(),
  rule: ZTemplateRule.nullable(),
  brand: z.string(),
  locale: z.string(),
  /** `businessKeyFor(event)` + document type + channel: one communication per fact, document and channel. */
  businessKey: z.string(),
  /** Human-readable trace of how the rule was chosen (shown in previews and history). */
  resolution: z.array(z.string()),
});
export type TPlannedCommunication = z.infer<typeof ZPlannedCommunication>;

export type PlanCommunicationsInput = {
  event: TCommerceEvent;
  store: { defaultBrand: string; defaultLocale: string };
  rules: readonly TTemplateRule[];
  preferences: readonly TPreference[];
};

type Step = { label: string; brand: 'event' | 'any'; locale: (rule: TTemplateRule) => boolean };

const MATCHERS = ['productType', 'skuPrefix', 'tag', 'country'] as const;

/**
 * Plans the communications for one event.
 *
 * Document types: the defaults of `DOCUMENTS_FOR_EVENT[event.kind]` plus every document type an
 * enabled rule declares for this event kind. For each document type, rules are grouped by channel
 * and each channel resolves to one rule:
 *
 * 1. Matchers filter first: a rule's non-null productType / skuPrefix / tag / country must match
 *    the event. The line matchers must hold together for at least one line (product type; SKU
 *    prefix; a line tag, or an order tag, which holds for every line); country is the shipping
 *    address country, else billing. `linesMatchingRule` gives the lines a rule selected.
 * 2. Fallback chain, first step with a candidate wins:
 *    brand + exact locale (fr-CA) → brand + language (fr) → brand + store default locale (exact,
 *    then its language) → brand + any locale (null) → the same four steps for rules with brand null.
 * 3. Within the winning step: higher priority wins; a tie goes to the more specific rule (more
 *    non-null matchers), then to the smaller id (string order), so the outcome is deterministic.
 *
 * A document type without any resolving rule is returned as `skipped` with the reason. Marketing
 * documents on an opted-out channel are `suppressed`. A bounced channel (or an email/SMS channel
 * without an address) falls back along the rule's `fallbackChannels`.
 *
 * When the event names its store view's allowed channels (`event.storeView.channels`, Magento's
 * per-store-view "Channels" setting), rules of other channels are left out and no fallback lands
 * on another channel; a document with no rule left is `skipped` with the reason.
 */
export function planCommunications(input: PlanCommunicationsInput): TPlannedCommunication[] {
  const { event, store } = input;
  const brand = event.brand ?? store.defaultBrand;
  const locale = normaliseLocale(event.locale ?? event.customer?.locale ?? null) ?? normaliseLocale(store.defaultLocale) ?? store.defaultLocale;
  const defaultLocale = normaliseLocale(store.defaultLocale) ?? store.defaultLocale;
  const eventKey = businessKeyFor(event);
  const rulesForEvent = input.rules.filter((r) => r.enabled && r.eventKind === event.kind);

  const documentTypes = unique<TDocumentType>([...DOCUMENTS_FOR_EVENT[event.kind], ...rulesForEvent.map((r) => r.documentType)]);
  const steps = fallbackSteps(locale, defaultLocale);
  // A Magento store view's "Channels" setting: rules (and fallbacks) of other channels are not used.
  const allowedChannels = event.storeView?.channels ?? null;
  const plans: TPlannedCommunication[] = [];

  for (const documentType of documentTypes) {
    const marketing = isMarketingDocument(documentType);
    const resolution: string[] = [
      DOCUMENTS_FOR_EVENT[event.kind].includes(documentType) ? `${documentType}: default document for ${event.kind}` : `${documentType}: added by a rule for ${event.kind}`,
    ];
    const forDocument = rulesForEvent.filter((r) => r.documentType === documentType);
    const disabled = input.rules.filter((r) => !r.enabled && r.eventKind === event.kind && r.documentType === documentType).length;
    const matching: TTemplateRule[] = [];
    for (const rule of forDocument) {
      const miss = matcherMiss(rule, event);
      if (miss === null) matching.push(rule);
      else resolution.push(`rule ${rule.id}: ${miss}`);
    }
    const byBrand = matching.filter((r) => r.brand === null || sameText(r.brand, brand));
    for (const rule of matching) if (!byBrand.includes(rule)) resolution.push(`rule ${rule.id}: brand "${rule.brand}" is not "${brand}"`);

    const inView = allowedChannels === null ? byBrand : byBrand.filter((r) => allowedChannels.includes(r.channel));
    for (const rule of byBrand) if (!inView.includes(rule)) resolution.push(`rule ${rule.id}: ${notAllowedHere(rule.channel, event)}`);

    const channels = unique(inView.map((r) => r.channel));
    if (channels.length === 0) {
      const why = forDocument.length === 0
        ? `no enabled template rule for ${event.kind} → ${documentType}${disabled > 0 ? ` (${disabled} disabled)` : ''}`
        : byBrand.length > 0
          ? `no template rule for ${event.kind} → ${documentType} uses a channel store view "${event.storeView?.code}" allows (${allowedChannels?.join(', ')})`
          : `no template rule for ${event.kind} → ${documentType} matches brand "${brand}" and this order (${forDocument.length} considered)`;
      resolution.push(why);
      // Nominal channel of a plan that sends nothing: the store view's first allowed one, else email.
      const nominal = allowedChannels?.[0] ?? 'email';
      plans.push({ documentType, channel: nominal, marketing, status: 'skipped', reason: why, rule: null, brand, locale, businessKey: `${eventKey}|${documentType}|${nominal}`, resolution });
      continue;
    }

    for (const channel of channels) {
      const trace = [...resolution];
      const winner = resolveChannel(inView.filter((r) => r.channel === channel), steps, brand, trace);
      if (winner === null) {
        const why = `no ${channel} rule for ${event.kind} → ${documentType} matches locale "${locale}" or the store default "${defaultLocale}"`;
        trace.push(why);
        plans.push({ documentType, channel, marketing, status: 'skipped', reason: why, rule: null, brand, locale, businessKey: `${eventKey}|${documentType}|${channel}`, resolution: trace });
        continue;
      }
      if (hasLineMatchers(winner)) {
        trace.push(`${winner.id} is about line(s) ${linesMatchingRule(winner, event).map((l) => l.sku ?? l.ref).join(', ')}`);
      }
      plans.push(applyPreferences({ event, rule: winner, documentType, marketing, brand, locale, eventKey, preferences: input.preferences, trace }));
    }
  }
  return withoutDuplicateFallbacks(plans);
}

/**
 * A fallback can land on a channel another rule already serves (email bounced → print, and a print
 * rule exists): the document must not go out twice, so the fallback copy is skipped. Independent
 * of rule order: the rule native to the channel always keeps it.
 */
function withoutDuplicateFallbacks(plans: TPlannedCommunication[]): TPlannedCommunication[] {
  return plans.map((p) => {
    if (p.status !== 'queued' || p.rule === null || p.rule.channel === p.channel) return p;
    const native = plans.find((o) => o !== p && o.status === 'queued' && o.documentType === p.documentType && o.channel === p.channel);
    if (!native) return p;
    const reason = `${p.channel} ${p.documentType} is already planned by rule ${native.rule?.id ?? '?'}`;
    return { ...p, status: 'skipped', reason, resolution: [...p.resolution, reason] };
  });
}

function resolveChannel(rules: TTemplateRule[], steps: Step[], brand: string, trace: string[]): TTemplateRule | null {
  for (const step of steps) {
    const candidates = rules.filter((r) => (step.brand === 'any' ? r.brand === null : r.brand !== null && sameText(r.brand, brand)) && step.locale(r));
    if (candidates.length === 0) {
      trace.push(`${rules[0]?.channel ?? ''} ${step.label}: no rule`);
      continue;
    }
    const [winner, ...rest] = [...candidates].sort(compareRules);
    trace.push(`${winner!.channel} ${step.label}: ${candidates.length} rule(s) → ${winner!.id} (priority ${winner!.priority}${rest.length > 0 ? `, beats ${rest.map((r) => `${r.id}@${r.priority}`).join(', ')}` : ''})`);
    return winner!;
  }
  return null;
}

/** Higher priority first, then more specific, then id ascending. */
export function compareRules(a: TTemplateRule, b: TTemplateRule): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const specificity = (r: TTemplateRule) => MATCHERS.filter((m) => r[m] !== null).length;
  if (specificity(a) !== specificity(b)) return specificity(b) - specificity(a);
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function fallbackSteps(locale: string, defaultLocale: string): Step[] {
  const language = languageOf(locale);
  const defaultLanguage = languageOf(defaultLocale);
  const steps: Array<Omit<Step, 'brand'>> = [
    { label: `locale ${locale}`, locale: (r) => r.locale !== null && sameText(r.locale, locale) },
  ];
  if (language !== locale) steps.push({ label: `language ${language}`, locale: (r) => r.locale !== null && sameText(r.locale, language) });
  if (!sameText(defaultLocale, locale) && !sameText(defaultLocale, language)) {
    steps.push({ label: `store default ${defaultLocale}`, locale: (r) => r.locale !== null && sameText(r.locale, defaultLocale) });
  }
  if (!sameText(defaultLanguage, language) && !sameText(defaultLanguage, defaultLocale)) {
    steps.push({ label: `store default language ${defaultLanguage}`, locale: (r) => r.locale !== null && sameText(r.locale, defaultLanguage) });
  }
  steps.push({ label: 'any locale', locale: (r) => r.locale === null });
  return [
    ...steps.map((s) => ({ ...s, brand: 'event' as const, label: `brand+${s.label}` })),
    ...steps.map((s) => ({ ...s, brand: 'any' as const, label: `any brand+${s.label}` })),
  ];
}

function applyPreferences(args: {
  event: TCommerceEvent;
  rule: TTemplateRule;
  documentType: TDocumentType;
  marketing: boolean;
  brand: string;
  locale: string;
  eventKey: string;
  preferences: readonly TPreference[];
  trace: string[];
}): TPlannedCommunication {
  const { event, rule, documentType, marketing, brand, locale, eventKey, preferences, trace } = args;
  const plan = (channel: TChannel, status: TPlannedCommunication['status'], reason: string | null): TPlannedCommunication => ({
    documentType,
    channel,
    marketing,
    status,
    reason,
    rule,
    brand,
    locale,
    businessKey: `${eventKey}|${documentType}|${channel}`,
    resolution: reason === null ? trace : [...trace, reason],
  });

  if (marketing && preferences.some((p) => p.channel === rule.channel && p.state === 'opted_out')) {
    return plan(rule.channel, 'suppressed', `customer opted out of marketing on ${rule.channel}`);
  }

  // Walk the rule's channel chain until a channel is usable and has an address to send to.
  // nextFallbackChannel only moves forward along the chain, so this ends within its length.
  const problems: string[] = [];
  let channel: TChannel | null = rule.channel;
  while (channel !== null) {
    const problem = channelProblem(rule, channel, event, preferences);
    if (problem === null) break;
    problems.push(problem);
    channel = nextFallbackChannel(rule, channel, preferences);
  }
  if (channel === null) {
    const why = `${problems.join('; ')}; rule ${rule.id} allows no further channel`;
    return plan(rule.channel, marketing && problems.some((p) => p.includes('opted out')) ? 'suppressed' : 'skipped', why);
  }
  if (channel !== rule.channel) trace.push(`${problems.join('; ')}; falling back to ${channel}`);
  return plan(channel, 'queued', null);
}

function channelProblem(rule: TTemplateRule, channel: TChannel, event: TCommerceEvent, preferences: readonly TPreference[]): string | null {
  if (event.storeView?.channels && !event.storeView.channels.includes(channel)) return notAllowedHere(channel, event);
  if (!isChannelUsable(rule, channel, preferences)) {
    return preferences.some((p) => p.channel === channel && p.state === 'bounced') ? `${channel} bounced before` : `customer opted out of marketing on ${channel}`;
  }
  if (channel === 'email' && !event.customer?.email) return 'no email address';
  if (channel === 'sms' && !event.customer?.phone) return 'no phone number';
  return null;
}

function notAllowedHere(channel: TChannel, event: TCommerceEvent): string {
  return `channel ${channel} is not allowed in store view "${event.storeView?.code ?? '?'}" (allowed: ${event.storeView?.channels?.join(', ') ?? 'all'})`;
}

export type LineMatchers = Pick<TTemplateRule, 'productType' | 'skuPrefix' | 'tag'>;

/**
 * Why a rule's matchers exclude this event, or null when they all match. The line matchers
 * (productType, skuPrefix, tag) must hold for one and the same line: a "helmet warranty" rule with
 * SKU prefix HLM- is about a helmet whose SKU starts with HLM-, not about any helmet plus any HLM-
 * item. `tag` holds for a line when the line (product) or the order carries the tag.
 */
export function matcherMiss(rule: TTemplateRule, event: TCommerceEvent): string | null {
  const lines = linesOf(event);
  if (rule.productType !== null && !lines.some((l) => hasProductType(l, rule.productType!))) {
    return `productType "${rule.productType}" not in the order`;
  }
  if (rule.skuPrefix !== null && !lines.some((l) => hasSkuPrefix(l, rule.skuPrefix!))) {
    return `no SKU starts with "${rule.skuPrefix}"`;
  }
  if (rule.tag !== null && !lines.some((l) => hasTag(l, event, rule.tag!)) && !orderHasTag(event, rule.tag)) {
    return `tag "${rule.tag}" not on the order or its products`;
  }
  if (hasLineMatchers(rule) && linesMatchingRule(rule, event).length === 0) {
    return `no single line matches ${describeLineMatchers(rule)}`;
  }
  if (rule.country !== null) {
    const country = countryOf(event);
    if (country !== rule.country) return `country ${country ?? 'unknown'} is not ${rule.country}`;
  }
  return null;
}

/**
 * The lines a rule's line matchers select: the products a warranty or compliance document is
 * about. A rule without line matchers selects every line.
 */
export function linesMatchingRule(rule: LineMatchers, event: TCommerceEvent): TLine[] {
  const lines = linesOf(event);
  if (!hasLineMatchers(rule)) return lines;
  return lines.filter(
    (l) =>
      (rule.productType === null || hasProductType(l, rule.productType))
      && (rule.skuPrefix === null || hasSkuPrefix(l, rule.skuPrefix))
      && (rule.tag === null || hasTag(l, event, rule.tag)),
  );
}

function hasLineMatchers(rule: LineMatchers): boolean {
  return rule.productType !== null || rule.skuPrefix !== null || rule.tag !== null;
}

function describeLineMatchers(rule: LineMatchers): string {
  return [
    rule.productType !== null ? `productType "${rule.productType}"` : null,
    rule.skuPrefix !== null ? `SKU prefix "${rule.skuPrefix}"` : null,
    rule.tag !== null ? `tag "${rule.tag}"` : null,
  ].filter((p) => p !== null).join(' and ');
}

function hasProductType(line: TLine, productType: string): boolean {
  return line.productType !== null && sameText(line.productType, productType);
}

function hasSkuPrefix(line: TLine, prefix: string): boolean {
  return line.sku !== null && line.sku.toUpperCase().startsWith(prefix.toUpperCase());
}

/** An order tag says nothing about which product: it holds for every line of the order. */
function hasTag(line: TLine, event: TCommerceEvent, tag: string): boolean {
  return line.tags.some((t) => sameText(t, tag)) || orderHasTag(event, tag);
}

function orderHasTag(event: TCommerceEvent, tag: string): boolean {
  return (event.order?.tags ?? []).some((t) => sameText(t, tag));
}

function linesOf(event: TCommerceEvent): TLine[] {
  if (event.kind === 'cart.abandoned') return event.cart.lines;
  if (event.kind === 'replenishment.due') return event.replenishment.lines;
  return event.order?.lines ?? [];
}

function countryOf(event: TCommerceEvent): string | null {
  if (event.kind === 'statement.period_closed') return event.statement.billingAddress?.countryCode ?? null;
  return event.order?.shippingAddress?.countryCode ?? event.order?.billingAddress?.countryCode ?? null;
}

/** "fr_ca" / "FR-ca" → "fr-CA"; null stays null. */
export function normaliseLocale(locale: string | null): string | null {
  if (locale === null || locale.trim() === '') return null;
  const [language, region] = locale.trim().replace('_', '-').split('-');
  return region ? `${language!.toLowerCase()}-${region.toUpperCase()}` : language!.toLowerCase();
}

function languageOf(locale: string): string {
  return locale.split('-')[0]!.toLowerCase();
}

function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
