import { appRoutes } from './app-routes.ts';

/** The choice value meaning "every document of the order, one per page". */
export const ALL_DOCUMENTS = 'all';

export type ResolvePrintSourceInput = {
  orderId: string;
  /** Communications of the order that have a produced document, newest first. */
  documentIds: readonly string[];
  /** What the merchant picked, or what the timeline asked for (`?communicationId=`); null for the default. */
  choice: string | null;
};

export type TPrintSource = { choice: string | null; src: string | undefined };

/**
 * What the print action previews. One document: that PDF. Several: the order's print page with
 * all of them unless the merchant picked one. None: nothing (the admin then disables Print).
 * A choice that is not one of the order's documents falls back to the default.
 */
export function resolvePrintSource({ orderId, documentIds, choice }: ResolvePrintSourceInput): TPrintSource {
  if (documentIds.length === 0) return { choice: null, src: undefined };
  if (choice && documentIds.includes(choice)) return { choice, src: appRoutes.document(choice) };
  if (documentIds.length === 1) return { choice: documentIds[0]!, src: appRoutes.document(documentIds[0]!) };
  return { choice: ALL_DOCUMENTS, src: appRoutes.printAll(orderId) };
}
