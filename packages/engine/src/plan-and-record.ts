import { randomUUID } from 'node:crypto';
import {
  buildDocumentData,
  isConnectError,
  maskEmail,
  planCommunications,
  validateDocumentData,
  type TCommerceEvent,
  type TPlannedCommunication,
  type TPreference,
  type TTemplateRule,
} from '@exstream-connect/core';
import type { Store, TemplateRule } from '@exstream-connect/db';
import type { CommunicationInsert } from './sql-records.ts';
import type { EngineContext } from './engine-context.ts';
import { customerKeyFor, idempotencyKeyFor, recipientHashFor, sha256Hex } from './hashing.ts';
import { ruleFromRow } from './settings.ts';

export function toCoreRule(row: TemplateRule): TTemplateRule {
  return ruleFromRow(row) as TTemplateRule;
}

export type PlannedRow = {
  data: CommunicationInsert;
  plan: TPlannedCommunication;
  /** Set when the document data could not be built or failed the contract. */
  buildError: string | null;
  /** The document data as JSON, the exact text its dataSha256 hashes (null when there is none). */
  documentJson: string | null;
};

/**
 * Turns one event into Communication rows (not yet written): plan with the store's rules and the
 * customer's preferences, then build and validate the document data of each queued plan, so a
 * bad payload fails here, visibly, rather than at Exstream.
 */
export function planRows(args: {
  store: Pick<Store, 'id' | 'name' | 'timezone' | 'defaultBrand' | 'defaultLocale' | 'dryRun'>;
  event: TCommerceEvent;
  rules: TTemplateRule[];
  preferences: TPreference[];
  inboundEventId: string | null;
  attempt?: number;
  /** Facts about the planning itself (the product facts used), put in every plan's resolution trace. */
  trace?: readonly string[];
}): PlannedRow[] {
  const { store, event } = args;
  const plans = withTrace(
    planCommunications({ event, store: { defaultBrand: store.defaultBrand, defaultLocale: store.defaultLocale }, rules: args.rules, preferences: args.preferences }),
    args.trace ?? [],
  );
  const email = event.customer?.email ?? null;
  return plans.map((plan) => {
    const id = randomUUID();
    const attempt = args.attempt ?? 1;
    const idempotencyKey = idempotencyKeyFor({ storeId: store.id, businessKey: plan.businessKey, documentType: plan.documentType, channel: plan.channel, attempt });
    let status: 'queued' | 'skipped' | 'suppressed' | 'failed' = plan.status;
    let reason = plan.reason;
    let documentData: unknown = null;
    let buildError: string | null = null;
    if (plan.status === 'queued') {
      try {
        documentData = validateDocumentData(
          buildDocumentData({
            event,
            documentType: plan.documentType,
            channel: plan.channel,
            store: { name: store.name, brand: plan.brand, locale: plan.locale, timezone: store.timezone },
            meta: { communicationId: id, templateVersion: plan.rule?.templateVersion ?? '1', idempotencyKey },
            // A warranty / compliance document lists only the lines this rule's matchers selected.
            rule: plan.rule,
          }),
        );
      } catch (error) {
        status = 'failed';
        buildError = isConnectError(error) ? error.message : `Document data could not be built: ${(error as Error).message}`;
      }
      if (status === 'queued' && store.dryRun) {
        // Dry run: everything up to the Exstream call happens and is recorded, nothing is sent.
        status = 'skipped';
        reason = 'dry run: planned, built and validated, not sent';
      }
    }
    const body = documentData === null ? null : JSON.stringify(documentData);
    return {
      plan,
      buildError,
      documentJson: body,
      data: {
        id,
        storeId: store.id,
        inboundEventId: args.inboundEventId,
        businessKey: plan.businessKey,
        orderRef: event.orderRef,
        orderNumber: event.orderNumber,
        customerRef: customerKeyFor(event.customer),
        recipientHash: recipientHashFor(email),
        recipientMasked: maskEmail(email),
        documentType: plan.documentType,
        channel: plan.channel,
        status,
        templateRuleId: plan.rule?.id ?? null,
        exstreamCommunicationId: plan.rule?.communicationId ?? null,
        serviceName: plan.rule?.serviceName ?? null,
        templateVersion: plan.rule?.templateVersion ?? null,
        idempotencyKey,
        attempt,
        resendOfId: null,
        documentRef: null,
        documentData,
        dataSha256: body === null ? null : sha256Hex(body),
        dryRun: store.dryRun && plan.status === 'queued',
        reason,
        lastError: buildError,
      },
    };
  });
}

/**
 * The lines go after the trace's first line (which document and why), before the rule resolution;
 * the last line stays last (it is the timeline's detail of the row).
 */
export function withTrace(plans: TPlannedCommunication[], trace: readonly string[]): TPlannedCommunication[] {
  if (trace.length === 0) return plans;
  return plans.map((plan) => {
    const at = plan.resolution.length >= 2 ? 1 : 0;
    return { ...plan, resolution: [...plan.resolution.slice(0, at), ...trace, ...plan.resolution.slice(at)] };
  });
}

/** Preferences of the event's customer, in the planner's shape. */
export async function preferencesFor(ctx: EngineContext, storeId: string, event: TCommerceEvent): Promise<TPreference[]> {
  const key = customerKeyFor(event.customer);
  if (!key) return [];
  return ctx.prisma.$queryRawUnsafe<TPreference[]>(
    `SELECT channel::text AS channel, state::text AS state FROM "CustomerPreference" WHERE "storeId" = $1::uuid AND "customerRef" = $2`,
    storeId,
    key,
  );
}
