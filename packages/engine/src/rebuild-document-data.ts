import { buildDocumentData, businessKeyFor, ConnectError, planCommunications, validateDocumentData, type TChannel, type TDocumentType } from '@exstream-connect/core';
import type { Communication } from '@exstream-connect/db';
import type { EngineContext } from './engine-context.ts';
import { eventsOfInbound } from './process-inbound-event.ts';
import { toCoreRule } from './plan-and-record.ts';

/**
 * The document data of a new attempt of `original` when the original's data is not kept (the
 * store's archive keeps hashes only): built again, the same way the planner built it, from the
 * inbound event the original came from. Throws CONFLICT when that event is gone or redacted.
 */
export async function rebuildDocumentData(
  ctx: EngineContext,
  original: Communication,
  identity: { communicationId: string; idempotencyKey: string; channel: TChannel },
): Promise<unknown> {
  const unavailable = (why: string) => new ConnectError('CONFLICT', `This communication's document data is not kept (hash-only archive) and cannot be rebuilt: ${why}`);
  if (original.redactedAt) throw unavailable('its customer data was redacted');
  if (!original.inboundEventId) throw unavailable('it has no inbound event');
  const [store, inbound] = await Promise.all([
    ctx.prisma.store.findUnique({ where: { id: original.storeId } }),
    ctx.prisma.inboundEvent.findFirst({ where: { id: original.inboundEventId, storeId: original.storeId } }),
  ]);
  if (!store || !inbound || (inbound.payload as { redacted?: boolean } | null)?.redacted) throw unavailable('its inbound event is gone or redacted');
  // With the product facts recorded at planning, never a fresh lookup: the catalogue may have
  // changed since, and a warranty document must list the same products again.
  const { events } = await eventsOfInbound(ctx, store, inbound);
  const prefix = (eventKey: string) => `${eventKey}|${original.documentType}|`;
  const event = events.find((e) => original.businessKey.startsWith(prefix(businessKeyFor(e))));
  if (!event) throw unavailable('no event of its inbound event matches it');
  const rules = await ctx.prisma.templateRule.findMany({ where: { storeId: store.id } });
  const rule = rules.find((r) => r.id === original.templateRuleId) ?? null;
  // Brand and locale as the planner resolves them for this event (any plan of the document carries them).
  const plan = planCommunications({ event, store: { defaultBrand: store.defaultBrand, defaultLocale: store.defaultLocale }, rules: rules.map(toCoreRule), preferences: [] }).find(
    (p) => p.documentType === original.documentType,
  );
  return validateDocumentData(
    buildDocumentData({
      event,
      documentType: original.documentType as TDocumentType,
      channel: identity.channel,
      store: { name: store.name, brand: plan?.brand ?? event.brand ?? store.defaultBrand, locale: plan?.locale ?? store.defaultLocale, timezone: store.timezone },
      meta: { communicationId: identity.communicationId, templateVersion: original.templateVersion ?? '1', idempotencyKey: identity.idempotencyKey },
      rule: rule ? toCoreRule(rule) : null,
    }),
  );
}
