import { z } from 'zod';
import { ZCommerceEventKind } from './commerce-event.ts';
import { ZChannel } from './channel.ts';
import { ZDocumentType } from './document-types.ts';

/**
 * A merchant's template rule: which Exstream communication renders which document for which
 * event, brand, locale and channel. Null matchers match anything; see `planCommunications` for
 * the resolution order.
 */
export const ZTemplateRule = z.object({
  id: z.string().min(1),
  eventKind: ZCommerceEventKind,
  documentType: ZDocumentType,
  /** null = any brand (the last fallback step). */
  brand: z.string().min(1).nullable(),
  /** "fr-CA" (exact), "fr" (language) or null (any locale). */
  locale: z.string().min(2).nullable(),
  channel: ZChannel,
  /** Channels to try, in order, when `channel` is unusable (bounced or opted out). */
  fallbackChannels: z.array(ZChannel),
  productType: z.string().min(1).nullable(),
  skuPrefix: z.string().min(1).nullable(),
  tag: z.string().min(1).nullable(),
  /** ISO 3166-1 alpha-2 of the shipping (else billing) address. */
  country: z.string().regex(/^[A-Z]{2}$/, 'Expected an ISO 3166-1 alpha-2 country code').nullable(),
  communicationId: z.string().min(1).nullable(),
  serviceName: z.string().min(1).nullable(),
  templateVersion: z.string().min(1),
  priority: z.number().int(),
  enabled: z.boolean(),
});
export type TTemplateRule = z.infer<typeof ZTemplateRule>;

export const ZPreferenceState = z.enum(['opted_in', 'opted_out', 'bounced']);
export const ZPreference = z.object({ channel: ZChannel, state: ZPreferenceState });
export type TPreference = z.infer<typeof ZPreference>;
