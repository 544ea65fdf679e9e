import { z } from 'zod';
import { ZChannel } from './channel.ts';
import { ZProductFacts } from './product-facts.ts';

/** Events the Magento module sends to the sidecar (`envelope.event`). */
export const MAGENTO_EVENT_NAMES = [
  'order.placed',
  'order.invoiced',
  'shipment.created',
  'shipment.track_added',
  'creditmemo.created',
  'order.cancelled',
  'order.delayed',
  'order.backordered',
  'cart.abandoned',
  'customer.consent_changed',
] as const;
export const ZMagentoEventName = z.enum(MAGENTO_EVENT_NAMES);
export type TMagentoEventName = z.infer<typeof ZMagentoEventName>;

export const ZMagentoStore = z.object({
  code: z.string().min(1),
  website: z.string().min(1),
  /** Magento locale code, e.g. "fr_CA". */
  locale: z.string().min(2),
  /** The store's base currency. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'Expected an ISO 4217 currency code'),
  base_url: z.string().min(1),
  brand: z.string().min(1).nullable().optional(),
  /**
   * The store view's "Channels" setting: only rules of these channels (and fallbacks onto them) are
   * used for its events. Absent = no restriction (older modules, fixtures); never empty, because a
   * store view that allows no channel is a configuration error the module must not send.
   */
  channels: z.array(ZChannel).min(1, 'Allow at least one channel').max(ZChannel.options.length).optional(),
});

/**
 * What the Magento module posts to the sidecar. `entity` is the Magento REST JSON of the entity the
 * event is about (order, invoice, shipment with tracks, credit memo, cart, or the newsletter
 * subscriber for consent); `order` is the parent order when the entity is not the order itself.
 * Entities are checked in detail by `mapMagentoEvent`.
 */
export const ZMagentoEventEnvelope = z.object({
  // Printable text: a NUL or an unpaired surrogate here used to be reported as the engine's "eventId", not as `id`.
  id: z
    .string()
    .min(1)
    .max(200)
    // With the u flag a surrogate PAIR is one astral character, so \p{Cs} matches only lone halves.
    .refine((v) => !/[\p{Cc}\p{Cs}]/u.test(v), 'must be printable text (no control characters or unpaired surrogates)'),
  event: ZMagentoEventName,
  /** When the module captured the event (ISO-8601 or Magento's "YYYY-MM-DD HH:MM:SS" UTC). */
  occurred_at: z.string().min(1).optional(),
  store: ZMagentoStore,
  entity: z.record(z.string(), z.unknown()),
  order: z.record(z.string(), z.unknown()).nullable().optional(),
  /** Extra facts the REST entity lacks: delay/backorder reason and date, the cart recovery URL. */
  detail: z
    .object({
      reason: z.string().nullable().optional(),
      expected_at: z.string().nullable().optional(),
      recovery_url: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
  /**
   * The merchant's catalogue facts of the entity's items (the module reads them from the catalog:
   * attribute set, categories, the configured "product type" and "tags" attributes), which the
   * REST entity lacks. `mapMagentoEvent` uses them unless its context passes others. A bad fact is
   * rejected on `products.<i>.<field>`.
   */
  products: ZProductFacts.nullable().optional(),
});
export type TMagentoEventEnvelope = z.infer<typeof ZMagentoEventEnvelope>;
