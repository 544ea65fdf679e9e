import { ZProductFacts, isConnectError, type TCommerceEvent, type TLine, type TProductFact, type TTemplateRule } from '@exstream-connect/core';
import type { EngineContext } from './engine-context.ts';
import { isTransientError } from './is-transient-error.ts';
import type { ProductFactsCache } from './product-facts-cache.ts';
import type { PlatformName, ProductFactsSource, ProductKey } from './types.ts';

/**
 * What the worker recorded about the product facts of an inbound event (`InboundEvent.payload.productFacts`):
 * the facts planning used, where they came from, and why there were none. A resend or a rebuild
 * maps the event again with exactly these facts, never with a fresh lookup.
 */
export type StoredProductFacts = { source: string; at: string; facts: TProductFact[]; warning: string | null };

/**
 * The Magento module sends each event's product facts inline (`envelope.products`, see core's
 * `ZMagentoEventEnvelope`) and the mapper puts them on the lines at accept: the source is the
 * event itself, read back from its lines.
 */
export const productFactsCarriedByEvent: ProductFactsSource = {
  name: 'the Magento event',
  cacheable: false,
  lookup: async (request) => request.carried,
};

export type ProductFactsContext = {
  sources: { shopify?: ProductFactsSource; magento: ProductFactsSource };
  cache: ProductFactsCache;
  retryLimit: number;
  retryDelaySeconds: number;
};

export type ProductFactsOutcome =
  | {
      kind: 'ready';
      /** The events to plan: re-mapped with the facts when the platform needs it. */
      events: TCommerceEvent[];
      /** What to record with the inbound event (null: nothing new to record). */
      record: StoredProductFacts | null;
      /** Lines for the resolution trace of every plan of these events. */
      trace: string[];
      warning: string | null;
    }
  | { kind: 'retry'; error: string; delaySeconds: number };

/** Only rules that look at the products need facts: an enabled productType or tag rule for one of these event kinds. */
export function rulesNeedProductFacts(rules: readonly TTemplateRule[], events: readonly TCommerceEvent[]): boolean {
  const kinds = new Set(events.map((e) => e.kind));
  return rules.some((r) => r.enabled && kinds.has(r.eventKind) && (r.productType !== null || r.tag !== null));
}

/**
 * The product facts an event is planned with. Called by the worker (`mayRetry`: a transient
 * failure of the source retries the event) and by previews (never retried, never recorded).
 * No facts are looked up unless a rule needs them; facts recorded before are reused as they are.
 */
export async function resolveProductFacts(
  ctx: Pick<EngineContext, 'clock' | 'logger'> & { productFacts: ProductFactsContext },
  args: {
    store: { id: string; platform: PlatformName; externalKey: string };
    rules: readonly TTemplateRule[];
    events: TCommerceEvent[];
    /** Facts recorded by an earlier processing of this event (the events already carry them). */
    recorded: StoredProductFacts | null;
    /** The products the platform payload names (Shopify: line items of the webhook and its order). */
    keys: () => ProductKey[];
    /** The events mapped again with these facts (Magento: the events, which carry theirs already). */
    remap: (facts: TProductFact[]) => TCommerceEvent[];
    attempt: number;
    mayRetry: boolean;
  },
): Promise<ProductFactsOutcome> {
  const { store, events } = args;
  if (!rulesNeedProductFacts(args.rules, events)) return { kind: 'ready', events, record: null, trace: [], warning: null };
  if (args.recorded) {
    const trace = [describeFacts(args.recorded)];
    return { kind: 'ready', events, record: null, trace: args.recorded.warning ? [...trace, `warning: ${args.recorded.warning}`] : trace, warning: args.recorded.warning };
  }
  const at = ctx.clock().toISOString();
  const settle = (facts: TProductFact[], source: string, warning: string | null): ProductFactsOutcome => {
    const record: StoredProductFacts = { source, at, facts, warning };
    const trace = [describeFacts(record), ...(warning ? [`warning: ${warning}`] : [])];
    return { kind: 'ready', events: facts.length > 0 ? args.remap(facts) : events, record, trace, warning };
  };

  const source = store.platform === 'magento' ? ctx.productFacts.sources.magento : ctx.productFacts.sources.shopify;
  if (!source) {
    return settle([], 'none', `no product facts source is configured for ${store.platform} stores: productType / tag rules match only order tags`);
  }
  const carried = store.platform === 'magento' ? factsOfLines(events) : [];
  if (store.platform === 'magento' && carried.length === 0) {
    return settle([], source.name, 'the Magento event carried no product facts (a module without them, or products missing from the catalog): productType / tag rules match only order tags');
  }
  const keys = store.platform === 'magento' ? carried.map((f) => ({ productId: f.productId, variantId: f.variantId, sku: f.sku })) : args.keys();
  if (keys.length === 0) return settle([], source.name, null);

  const cacheable = source.cacheable !== false;
  const found: TProductFact[] = [];
  const missing: ProductKey[] = [];
  for (const key of keys) {
    const hit = cacheable ? ctx.productFacts.cache.get(store.id, key) : undefined;
    if (hit === undefined) missing.push(key);
    else if (hit !== null) found.push(hit);
  }
  if (missing.length > 0) {
    try {
      const answer = await source.lookup({ store: { id: store.id, platform: store.platform, storeKey: store.externalKey }, products: missing, carried });
      const parsed = ZProductFacts.safeParse(answer);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`the source answered invalid facts (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not a list'})`);
      }
      if (cacheable) ctx.productFacts.cache.put(store.id, missing, parsed.data);
      found.push(...parsed.data);
    } catch (error) {
      const message = errorText(error);
      if (args.mayRetry && isTransientFactsError(error) && args.attempt < ctx.productFacts.retryLimit) {
        const delaySeconds = Math.min(300, ctx.productFacts.retryDelaySeconds * 2 ** args.attempt);
        ctx.logger.warn('product facts lookup failed; the event will be planned again', { storeId: store.id, source: source.name, attempt: args.attempt + 1, delaySeconds, error: message });
        return { kind: 'retry', error: `product facts from ${source.name}: ${message}`, delaySeconds };
      }
      ctx.logger.warn('product facts lookup failed; planning without them', { storeId: store.id, source: source.name, error: message });
      const after = args.mayRetry && isTransientFactsError(error) ? ` after ${args.attempt + 1} attempts` : '';
      return settle([], source.name, `product facts unavailable from ${source.name}${after} (${message}); planned without them, so productType / tag rules match only order tags`);
    }
  }
  return settle(dedupe(found), source.name, null);
}

/**
 * Heals by itself, so the event is worth planning again later: a source's ConnectError says so
 * itself (`retryable`); otherwise a cut connection, a timeout or a failed fetch.
 */
export function isTransientFactsError(error: unknown): boolean {
  if (isConnectError(error)) return error.retryable;
  if (isTransientError(error)) return true;
  const e = error as { name?: unknown; message?: unknown } | null;
  return e?.name === 'AbortError' || e?.name === 'TimeoutError' || (error instanceof TypeError && typeof e?.message === 'string' && /fetch failed/i.test(e.message));
}

/** The facts the lines of these events carry (Magento: put there by the mapper from `envelope.products`). */
export function factsOfLines(events: readonly TCommerceEvent[]): TProductFact[] {
  const bySku = new Map<string, TProductFact>();
  for (const line of linesOf(events)) {
    if (line.sku === null || bySku.has(line.sku)) continue;
    if (line.productType === null && line.tags.length === 0 && line.categories.length === 0 && line.attributeSet === null) continue;
    bySku.set(line.sku, { productId: null, variantId: null, sku: line.sku, productType: line.productType, tags: [...line.tags], categories: [...line.categories], attributeSet: line.attributeSet });
  }
  return [...bySku.values()];
}

/** Every product line of the events in document order, wherever the event kind keeps them (order snapshot, cart, …). */
function linesOf(events: readonly TCommerceEvent[]): TLine[] {
  const lines: TLine[] = [];
  const stack: unknown[] = [...events].reverse();
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (!Array.isArray(node)) {
      const record = node as Record<string, unknown>;
      if ('productType' in record && 'tags' in record && 'attributeSet' in record && 'sku' in record) {
        lines.push(record as unknown as TLine);
        continue;
      }
    }
    const children = Array.isArray(node) ? node : Object.values(node as Record<string, unknown>);
    for (let i = children.length - 1; i >= 0; i--) if (children[i] !== null && typeof children[i] === 'object') stack.push(children[i]);
  }
  return lines;
}

function describeFacts(record: StoredProductFacts): string {
  if (record.facts.length === 0) return `product facts (${record.source}): none`;
  const shown = record.facts.slice(0, 10).map((f) => {
    const parts = [f.productType ? `type "${f.productType}"` : 'no type', f.tags.length > 0 ? `tags ${f.tags.join(', ')}` : null, f.attributeSet ? `attribute set "${f.attributeSet}"` : null];
    return `${f.sku ?? f.variantId ?? f.productId} → ${parts.filter((p) => p !== null).join(', ')}`;
  });
  return `product facts (${record.source}): ${shown.join('; ')}${record.facts.length > 10 ? ` (+${record.facts.length - 10} more)` : ''}`;
}

function dedupe(facts: TProductFact[]): TProductFact[] {
  const seen = new Set<string>();
  return facts.filter((f) => {
    const key = JSON.stringify(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Short and free of anything but the message: sources put no credentials in their errors. */
function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 297)}…` : text;
}
