import type { TChannel } from './channel.ts';
import { isMarketingDocument } from './document-types.ts';
import type { TPreference, TTemplateRule } from './template-rule.ts';

/**
 * Whether a channel may carry this rule's document for this customer. A bounced channel is never
 * usable; an opted-out channel is unusable only for marketing documents (transactional mail such
 * as an invoice is owed to the customer whatever their marketing choice).
 */
export function isChannelUsable(rule: Pick<TTemplateRule, 'documentType'>, channel: TChannel, preferences: readonly TPreference[]): boolean {
  const states = preferences.filter((p) => p.channel === channel).map((p) => p.state);
  if (states.includes('bounced')) return false;
  if (states.includes('opted_out') && isMarketingDocument(rule.documentType)) return false;
  return true;
}

/**
 * The channel to try after `failed` for this rule: the next entry of `[rule.channel,
 * ...rule.fallbackChannels]` after the failed one that the customer's preferences allow, or null
 * when the rule allows nothing further. The engine calls this when a bounce arrives after sending.
 */
export function nextFallbackChannel(rule: TTemplateRule, failed: TChannel, preferences: readonly TPreference[]): TChannel | null {
  const chain = dedupe([rule.channel, ...rule.fallbackChannels]);
  const start = chain.indexOf(failed);
  for (const channel of chain.slice(start + 1)) {
    if (channel !== failed && isChannelUsable(rule, channel, preferences)) return channel;
  }
  return null;
}

function dedupe<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
