/**
 * The app backend routes the extensions call. Relative on purpose: an admin extension's fetch()
 * resolves them against the app URL and adds `Authorization: Bearer <ID token>` itself, and the
 * print action loads `src` the same way.
 */
export const appRoutes = {
  communications: (orderId: string): string => `/api/orders/${encodeURIComponent(orderId)}/communications`,
  resend: (orderId: string): string => `/api/orders/${encodeURIComponent(orderId)}/resend`,
  document: (communicationId: string): string => `/api/documents/${encodeURIComponent(communicationId)}`,
  printAll: (orderId: string): string => `/api/orders/${encodeURIComponent(orderId)}/documents/print`,
} as const;
