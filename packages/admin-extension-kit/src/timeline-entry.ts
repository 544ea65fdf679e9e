// zod/mini, not the classic `zod` entry: admin extensions must stay under 64 KB compressed
// and classic zod alone exceeds that; mini, imported as a namespace, tree-shakes to the validators used here.
import * as z from 'zod/mini';

/**
 * One communication of an order as the app answers `GET /api/orders/:id/communications`
 * (the engine's `history.forOrder`).
 *
 * `status`, `documentType` and `channel` are plain strings on purpose: the extensions are deployed
 * to Shopify separately from the app, so a status or document type the engine adds later must
 * still render (with a neutral badge and a humanised label) instead of failing the whole card.
 */
export const ZStatusChange = z.object({
  status: z.string().check(z.minLength(1)),
  at: z.iso.datetime({ offset: true }),
  source: z.string(),
  detail: z.nullable(z.string()),
});
export type TStatusChange = z.infer<typeof ZStatusChange>;

export const ZTimelineEntry = z.object({
  id: z.string().check(z.minLength(1)),
  orderRef: z.nullable(z.string()),
  orderNumber: z.nullable(z.union([z.string(), z.number()])),
  documentType: z.string().check(z.minLength(1)),
  channel: z.nullable(z.string()),
  status: z.string().check(z.minLength(1)),
  statusHistory: z.array(ZStatusChange),
  templateId: z.nullable(z.string()),
  templateVersion: z.nullable(z.string()),
  hasDocument: z.boolean(),
  lastError: z.nullable(z.string()),
  attempt: z.int().check(z.minimum(1)),
  resendOfId: z.nullable(z.string()),
  createdAt: z.iso.datetime({ offset: true }),
});
export type TTimelineEntry = z.infer<typeof ZTimelineEntry>;

export const ZTimelineResponse = z.object({ items: z.array(ZTimelineEntry) });
export type TTimelineResponse = z.infer<typeof ZTimelineResponse>;

export const ZResendResponse = z.object({ communicationId: z.string().check(z.minLength(1)) });
export type TResendResponse = z.infer<typeof ZResendResponse>;

/** The error body every app API route answers with (`ConnectError#toJSON`). */
export const ZApiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
});
export type TApiErrorBody = z.infer<typeof ZApiErrorBody>;
