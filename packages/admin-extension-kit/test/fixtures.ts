import type { TTimelineEntry } from '../src/timeline-entry.ts';

let sequence = 0;

/** A communication as the app answers it, with overrides for the case under test. */
export function timelineEntry(overrides: Partial<TTimelineEntry> = {}): TTimelineEntry {
  sequence += 1;
  const createdAt = overrides.createdAt ?? '2026-11-20T09:00:00.000Z';
  const status = overrides.status ?? 'delivered';
  return {
    id: `comm_${sequence}`,
    orderRef: '5501234567890',
    orderNumber: '#1001',
    documentType: 'invoice',
    channel: 'email',
    status,
    statusHistory: [
      { status: 'queued', at: createdAt, source: 'engine', detail: null },
      { status, at: createdAt, source: 'exstream', detail: null },
    ],
    templateId: 'tpl-invoice',
    templateVersion: '3',
    hasDocument: true,
    lastError: null,
    attempt: 1,
    resendOfId: null,
    createdAt,
    ...overrides,
  };
}

export type RecordedCall = { url: string; init: RequestInit | undefined };

/** A fetch double that records each call and answers with the responses given, in order. */
export function scriptedFetch(...responses: Array<Response | Error>): { fetch: typeof fetch; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const queue = [...responses];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(input), init });
    const next = queue.shift();
    if (!next) throw new Error('scriptedFetch: no response left');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch: fake as typeof fetch, calls };
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
