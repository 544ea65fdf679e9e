import type { TCommerceEvent } from './commerce-event.ts';

/**
 * Stable identity of the business fact behind an event, for de-duplication across re-deliveries
 * and across topics (a Shopify webhook retried, or the same shipment seen twice). Two events with
 * the same key describe the same fact; a revision (new tracking number, new dispute status) gives
 * a new key on purpose, because it deserves a new communication.
 */
export function businessKeyFor(event: TCommerceEvent): string {
  const head = `${event.platform}:${event.kind}:${event.orderRef ?? '-'}`;
  switch (event.kind) {
    case 'order.placed':
    case 'order.paid':
    case 'order.cancelled':
      return `${head}:${event.order.ref}`;
    case 'order.invoiced':
      return `${head}:${event.invoice.ref}`;
    case 'fulfillment.created':
    case 'shipment.delivered':
      return `${head}:${event.shipment.ref}`;
    case 'fulfillment.updated':
      return `${head}:${event.shipment.ref}:${event.shipment.status ?? '-'}:${[...event.shipment.trackingNumbers].sort().join(',')}`;
    case 'order.partially_fulfilled':
    case 'order.fulfilled':
      return `${head}:${event.shipment?.ref ?? event.order.ref}`;
    case 'shipment.delayed':
      return `${head}:${event.shipment?.ref ?? event.order?.ref ?? event.sourceRef}:${event.delay.expectedAt ?? '-'}`;
    case 'order.backordered':
      return `${head}:${event.backorder.lines.map((l) => `${l.sku ?? l.name}x${l.quantity}`).sort().join(',')}`;
    case 'refund.created':
    case 'credit_memo.created':
      return `${head}:${event.refund.ref}`;
    case 'return.requested':
    case 'return.approved':
    case 'return.declined':
    case 'return.closed':
      return `${head}:${event.return.ref}`;
    case 'payment.failed':
      return `${head}:${event.payment.ref}`;
    case 'dispute.opened':
      return `${head}:${event.dispute.ref}`;
    case 'dispute.updated':
      return `${head}:${event.dispute.ref}:${event.dispute.status}`;
    case 'cart.abandoned':
      return `${head}:${event.cart.ref}`;
    case 'replenishment.due':
      return `${head}:${event.customer?.ref ?? event.customer?.email ?? '-'}:${event.replenishment.dueAt}`;
    case 'statement.period_closed':
      return `${head}:${event.statement.accountRef}:${event.statement.periodStart}..${event.statement.periodEnd}`;
    case 'customer.consent_changed':
      return `${head}:${event.customer?.ref ?? event.sourceRef}:${event.consent.channel}:${event.consent.state}:${event.consent.updatedAt ?? event.occurredAt}`;
  }
}
