/**
 * "2026-11-22 10:15 UTC". The same text on the server and in the browser, whatever their time
 * zone or locale, so server-rendered pages hydrate without a mismatch.
 */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function formatDate(iso: string): string {
  return formatDateTime(iso).slice(0, 10);
}
