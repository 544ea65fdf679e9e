import { randomUUID } from 'node:crypto';
import { buildDocumentData, isConnectError, planCommunications, validateDocumentData, type TCommerceEvent, type TTemplateRule } from '@exstream-connect/core';
import type { Store } from '@exstream-connect/db';
import type { EngineContext } from './engine-context.ts';
import { mapPlatformEvent } from './map-platform-event.ts';
import { preferencesFor, toCoreRule, withTrace } from './plan-and-record.ts';
import { resolveProductFacts } from './resolve-product-facts.ts';
import { shopifyProductKeys } from './shopify-product-keys.ts';
import { requireStore } from './stores.ts';
import type { StoreRef } from './types.ts';

export type PreviewResult = {
  eventKinds: string[];
  plan: unknown[];
  documents: Array<{ documentType: string; channel: string; data: unknown; pdf?: Buffer; error?: string }>;
};

/**
 * What an event would produce, without recording or sending anything: the plan, each document's
 * data, and the PDF when the store's Exstream connection answers (a preview key, never a
 * communication's key, so it cannot collide with a real send).
 */
export async function previewEvent(ctx: EngineContext, ref: StoreRef, input: { topic: string; payload: unknown }): Promise<PreviewResult> {
  const store = await requireStore(ctx, ref);
  const rules = (await ctx.prisma.templateRule.findMany({ where: { storeId: store.id } })).map(toCoreRule);
  const mapped = await mapSampleWithFacts(ctx, store, rules, input.topic, input.payload);
  const result: PreviewResult = { eventKinds: mapped.events.map((e) => e.kind), plan: [], documents: [] };
  // No connection (or a broken one) still previews the plan and the data, just without a PDF.
  const exstream = await ctx.exstream.forStore(store.id).catch(() => null);
  for (const event of mapped.events) {
    const preferences = await preferencesFor(ctx, store.id, event);
    const plans = withTrace(planCommunications({ event, store: { defaultBrand: store.defaultBrand, defaultLocale: store.defaultLocale }, rules, preferences }), mapped.trace);
    result.plan.push(...plans);
    for (const plan of plans.filter((p) => p.status === 'queued')) {
      const key = `preview-${randomUUID()}`;
      try {
        const data = validateDocumentData(
          buildDocumentData({
            event,
            documentType: plan.documentType,
            channel: plan.channel,
            store: { name: store.name, brand: plan.brand, locale: plan.locale, timezone: store.timezone },
            meta: { communicationId: 'preview', templateVersion: plan.rule?.templateVersion ?? '1', idempotencyKey: key },
            // As when it is sent: a warranty / compliance document lists only the lines its rule selected.
            rule: plan.rule,
          }),
        );
        const doc: PreviewResult['documents'][number] = { documentType: plan.documentType, channel: plan.channel, data };
        const communicationId = plan.rule?.communicationId ?? exstream?.connection.defaultCommunicationId;
        if (exstream && communicationId) {
          try {
            const out = await exstream.client.generate({ communicationId, driverDataSource: exstream.connection.driverDataSource, data, accept: 'pdf', idempotencyKey: key });
            if (out.kind === 'bytes') doc.pdf = out.body;
            else if (out.outputs[0]) doc.pdf = out.outputs[0].content;
          } catch (error) {
            doc.error = `PDF not rendered: ${(error as Error).message}`;
          }
        }
        result.documents.push(doc);
      } catch (error) {
        result.documents.push({ documentType: plan.documentType, channel: plan.channel, data: null, error: isConnectError(error) ? error.message : String(error) });
      }
    }
  }
  return result;
}

/**
 * A merchant's sample mapped as the worker would plan it: with product facts from the store's
 * source when a rule needs them (looked up now; a failure is a warning in the trace, never retried
 * and never recorded).
 */
export async function mapSampleWithFacts(
  ctx: EngineContext,
  store: Pick<Store, 'id' | 'platform' | 'externalKey'>,
  rules: readonly TTemplateRule[],
  topic: string,
  payload: unknown,
): Promise<{ events: TCommerceEvent[]; ignored: string | null; trace: string[] }> {
  const mapped = mapPlatformEvent(store, topic, payload);
  const facts = await resolveProductFacts(ctx, {
    store,
    rules,
    events: mapped.events,
    recorded: null,
    keys: () => shopifyProductKeys(payload),
    remap: (products) => (store.platform === 'shopify' ? mapPlatformEvent(store, topic, payload, undefined, products).events : mapped.events),
    attempt: 0,
    mayRetry: false,
  });
  if (facts.kind === 'retry') throw new Error('unreachable: previews never retry');
  return { events: facts.events, ignored: mapped.ignored, trace: facts.trace };
}
