import type { TAddress, TCommerceEvent, TOrderSnapshot, TShipment } from './commerce-event.ts';
import type { TChannel } from './channel.ts';
import { DOCUMENT_SCHEMA_VERSION, ZDocumentData, type TDocumentData } from './document-data.ts';
import { isMarketingDocument, type TDocumentType } from './document-types.ts';
import { ConnectError } from './errors.ts';
import { addDecimals, compareDecimals } from './money.ts';
import { linesMatchingRule } from './plan-communications.ts';
import type { TTemplateRule } from './template-rule.ts';
import { validationErrorFrom } from './zod-issues.ts';

export type BuildDocumentDataInput = {
  event: TCommerceEvent;
  documentType: TDocumentType;
  channel: TChannel;
  store: { name: string; brand: string; locale: string; timezone: string; currency?: string };
  meta: { communicationId: string; templateVersion: string; idempotencyKey: string };
  /**
   * The rule the planner resolved (`plan.rule`). A warranty or compliance document lists only the
   * lines the rule's productType / skuPrefix / tag matchers selected; without a rule, or with a
   * rule without line matchers, it lists every line.
   */
  rule?: Pick<TTemplateRule, 'id' | 'productType' | 'skuPrefix' | 'tag'> | null;
};

/** EU + EEA countries: consumer documents there carry the withdrawal-right text. */
const EU_EEA = new Set('AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(' '));

/**
 * Builds document data contract v1 for one document from an event. Pure and deterministic: the
 * same input gives the same JSON (its SHA-256 is the archive fingerprint). `store.brand` and
 * `store.locale` are the brand and locale the planner resolved. Throws NOT_CONFIGURED when the
 * document type needs facts the event does not carry (a shipping notice for an event without a
 * shipment), and VALIDATION_FAILED if the result breaks the contract.
 */
export function buildDocumentData(input: BuildDocumentDataInput): TDocumentData {
  const { event, documentType, channel, store, meta } = input;
  const order = event.order;
  const destination = 'shipment' in event ? (event.shipment?.destination ?? null) : null;
  const country = order?.shippingAddress?.countryCode ?? destination?.countryCode ?? order?.billingAddress?.countryCode ?? null;
  const common = {
    schemaVersion: DOCUMENT_SCHEMA_VERSION,
    brand: { code: store.brand, storeName: store.name },
    locale: store.locale,
    timezone: store.timezone,
    currency: currencyOf(event, store.currency ?? 'XXX'),
    recipient: recipientOf(event),
    billingAddress: order?.billingAddress ?? (event.kind === 'statement.period_closed' ? event.statement.billingAddress : null),
    shippingAddress: order?.shippingAddress ?? ('shipment' in event ? (event.shipment?.destination ?? null) : null),
    legal: { keys: legalKeysFor(documentType, country) },
    delivery: { channel },
    meta: {
      ...meta,
      schemaVersion: DOCUMENT_SCHEMA_VERSION,
      platform: event.platform,
      eventKind: event.kind,
      sourceRef: event.sourceRef,
      eventOccurredAt: event.occurredAt,
    },
  };

  const data = { documentType, ...common, ...specificPart(event, documentType, country, input.rule ?? null) };
  const result = ZDocumentData.safeParse(data);
  if (!result.success) throw validationErrorFrom(result.error, `${documentType} document data`);
  return result.data;
}

function specificPart(event: TCommerceEvent, documentType: TDocumentType, country: string | null, rule: BuildDocumentDataInput['rule'] | null): Record<string, unknown> {
  const need = <T>(value: T | null | undefined, what: string): T => {
    if (value === null || value === undefined) {
      throw new ConnectError('NOT_CONFIGURED', `A ${documentType} needs ${what}, and a ${event.kind} event has none. Check the template rule for this event.`, {
        issues: [{ path: 'documentType', message: `${documentType} needs ${what}` }],
      });
    }
    return value;
  };
  const order = () => documentOrder(need(event.order, 'an order'));
  const orderIfAny = () => (event.order ? documentOrder(event.order) : null);
  const shipment = (): TShipment | null => ('shipment' in event ? event.shipment : null);

  switch (documentType) {
    case 'order_confirmation':
      return { order: order() };
    case 'invoice': {
      const o = need(event.order, 'an order');
      const invoice = event.kind === 'order.invoiced' ? event.invoice : null;
      return {
        order: documentOrder(o),
        invoice: invoice
          ? { number: invoice.number, issuedAt: invoice.createdAt, lines: invoice.lines, totals: invoice.totals }
          : { number: o.number, issuedAt: event.occurredAt, lines: o.lines, totals: o.totals },
      };
    }
    case 'packing_slip':
    case 'shipping_notice':
    case 'delivery_notice':
      return { order: orderIfAny(), shipment: need(shipment(), 'a shipment') };
    case 'delay_notice':
      return {
        order: orderIfAny(),
        shipment: shipment(),
        delay: event.kind === 'shipment.delayed' ? event.delay : { reason: null, expectedAt: shipment()?.estimatedDeliveryAt ?? null },
      };
    case 'backorder_notice':
      return { order: order(), backorder: need(event.kind === 'order.backordered' ? event.backorder : null, 'backordered lines') };
    case 'cancellation':
      return { order: order(), cancellation: event.kind === 'order.cancelled' ? event.cancellation : { reason: null, cancelledAt: event.occurredAt } };
    case 'refund_confirmation':
      return { order: orderIfAny(), refund: need('refund' in event ? event.refund : null, 'a refund') };
    case 'credit_memo': {
      const refund = need('refund' in event ? event.refund : null, 'a credit memo');
      return { order: orderIfAny(), creditMemo: { ...refund, number: refund.number ?? refund.ref } };
    }
    case 'return_authorization':
      return {
        order: orderIfAny(),
        return: need('return' in event ? event.return : null, 'a return'),
        instructions: {
          stepKeys: ['return.pack_items', 'return.include_packing_slip', 'return.attach_label', 'return.drop_off'],
          returnByDate: null,
          returnAddress: null,
        },
      };
    case 'return_update':
      return { order: orderIfAny(), return: need('return' in event ? event.return : null, 'a return') };
    case 'payment_failure_notice': {
      const payment = need(event.kind === 'payment.failed' ? event.payment : null, 'a failed payment');
      return {
        order: orderIfAny(),
        payment: {
          ref: payment.ref,
          gateway: payment.gateway,
          status: payment.status,
          amount: payment.amount,
          errorCode: payment.errorCode,
          message: payment.message,
          retryUrl: event.order?.statusUrl ?? null,
        },
      };
    }
    case 'dispute_notice': {
      const dispute = need('dispute' in event ? event.dispute : null, 'a dispute');
      return {
        order: orderIfAny(),
        dispute: { ref: dispute.ref, type: dispute.type, status: dispute.status, reason: dispute.reason, amount: dispute.amount, evidenceDueBy: dispute.evidenceDueBy },
      };
    }
    case 'warranty_document':
    case 'compliance_document': {
      const o = need(event.order, 'an order');
      const products = rule ? linesMatchingRule(rule, event) : o.lines;
      if (products.length === 0) {
        throw new ConnectError('NOT_CONFIGURED', `Rule ${rule?.id ?? '?'} selects no line of this order, so the ${documentType} would list no product.`, {
          issues: [{ path: 'rule', message: `rule ${rule?.id ?? '?'} matches no line` }],
        });
      }
      // Per product: only what the rule is about (the helmet, not the gloves bought with it).
      return { order: documentOrder(o), products, countryCode: country };
    }
    case 'abandoned_cart_reminder': {
      const cart = need(event.kind === 'cart.abandoned' ? event.cart : null, 'a cart');
      return { cart: { ref: cart.ref, lines: cart.lines, subtotal: cart.subtotal, total: cart.total, recoveryUrl: cart.recoveryUrl, updatedAt: cart.updatedAt } };
    }
    case 'replenishment_reminder':
      return { replenishment: need(event.kind === 'replenishment.due' ? event.replenishment : null, 'replenishment lines') };
    case 'account_statement': {
      const statement = need(event.kind === 'statement.period_closed' ? event.statement : null, 'a statement');
      const { billingAddress: _billing, paymentInstructions, ...rest } = statement;
      const sum = (pick: (l: (typeof statement.lines)[number]) => string | undefined) =>
        addDecimals('0', ...statement.lines.map(pick).filter((v): v is string => v !== undefined));
      const closing = statement.closingBalance.amount;
      return {
        statement: {
          ...rest,
          totalDebits: { amount: sum((l) => l.debit?.amount), currency: statement.currency },
          totalCredits: { amount: sum((l) => l.credit?.amount), currency: statement.currency },
          amountDue: { amount: compareDecimals(closing, '0') > 0 ? closing : '0.00', currency: statement.currency },
        },
        paymentInstructions,
      };
    }
  }
}

function documentOrder(order: TOrderSnapshot) {
  return {
    ref: order.ref,
    number: order.number,
    placedAt: order.createdAt,
    taxesIncluded: order.taxesIncluded,
    lines: order.lines,
    totals: order.totals,
    taxLines: order.taxLines,
    discounts: order.discounts,
    shippingMethod: order.shippingMethod,
    paymentMethod: order.paymentMethod,
    statusUrl: order.statusUrl,
  };
}

/** "XXX" is ISO 4217's "no currency": used only for documents that carry no amount and no order. */
function currencyOf(event: TCommerceEvent, fallback: string): string {
  switch (event.kind) {
    case 'cart.abandoned':
      return event.cart.currency;
    case 'statement.period_closed':
      return event.statement.currency;
    case 'payment.failed':
      return event.payment.amount.currency;
    case 'dispute.opened':
    case 'dispute.updated':
      return event.dispute.amount.currency;
    case 'replenishment.due':
      return event.replenishment.lines[0]?.unitPrice.currency ?? event.order?.presentmentCurrency ?? fallback;
    case 'refund.created':
    case 'credit_memo.created':
      return event.refund.total.currency;
    default:
      return event.order?.presentmentCurrency ?? fallback;
  }
}

function recipientOf(event: TCommerceEvent) {
  const customer = event.customer;
  const address: TAddress | null =
    event.order?.billingAddress ?? event.order?.shippingAddress ?? ('shipment' in event ? (event.shipment?.destination ?? null) : null);
  const firstName = customer?.firstName ?? address?.firstName ?? null;
  const lastName = customer?.lastName ?? address?.lastName ?? null;
  const name = [firstName, lastName].filter((p) => p !== null && p !== '').join(' ');
  return {
    name: name === '' ? null : name,
    firstName,
    lastName,
    email: customer?.email ?? null,
    phone: customer?.phone ?? address?.phone ?? null,
    customerRef: customer?.ref ?? null,
    isGuest: customer?.isGuest ?? true,
  };
}

/**
 * Legal texts each document must carry. Keys only: the wording per locale lives in Exstream, so a
 * lawyer's change never needs a deploy.
 */
export function legalKeysFor(documentType: TDocumentType, countryCode: string | null): string[] {
  const keys: string[] = ['legal.company_details'];
  const region = countryCode === null ? null : countryCode.toLowerCase();
  switch (documentType) {
    case 'order_confirmation':
      keys.push('legal.terms_of_sale', 'legal.privacy_notice');
      if (countryCode !== null && EU_EEA.has(countryCode)) keys.push('legal.withdrawal_right.eu');
      break;
    case 'invoice':
    case 'credit_memo':
      keys.push('legal.tax_invoice_notice');
      if (region !== null) keys.push(`legal.tax_invoice_notice.${region}`);
      break;
    case 'warranty_document':
      keys.push('legal.warranty_terms');
      if (region !== null) keys.push(`legal.warranty_terms.${region}`);
      break;
    case 'compliance_document':
      keys.push('legal.product_compliance');
      if (region !== null) keys.push(`legal.product_compliance.${region}`);
      break;
    case 'return_authorization':
    case 'refund_confirmation':
      keys.push('legal.return_policy');
      break;
    case 'account_statement':
      keys.push('legal.payment_terms');
      break;
    default:
      break;
  }
  if (isMarketingDocument(documentType)) keys.push('legal.marketing_unsubscribe');
  return keys;
}
