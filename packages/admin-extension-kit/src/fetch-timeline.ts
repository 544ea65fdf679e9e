import { appRoutes } from './app-routes.ts';
import { requestAppJson } from './request-app-json.ts';
import { ZTimelineResponse, type TTimelineEntry } from './timeline-entry.ts';

export type FetchTimelineOptions = { fetch?: typeof fetch; signal?: AbortSignal };

/** The order's communications, newest first (resends after their original). */
export async function fetchTimeline(orderId: string, options: FetchTimelineOptions = {}): Promise<TTimelineEntry[]> {
  const { items } = await requestAppJson(appRoutes.communications(orderId), ZTimelineResponse, { ...options, subject: 'Loading communications' });
  return [...items].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.attempt - a.attempt);
}
