import { type ConnectError } from '@exstream-connect/core';
import { describe, expect, it } from 'vitest';
import { createTimelineStore } from '../src/create-timeline-store.ts';
import { jsonResponse, scriptedFetch, timelineEntry } from './fixtures.ts';

/** A fetch whose answers the test releases one by one, to order concurrent requests. */
function manualFetch() {
  const pending: Array<{ url: string; init: RequestInit | undefined; answer: (r: Response) => void }> = [];
  const fake = (input: string | URL | Request, init?: RequestInit) =>
    new Promise<Response>((resolve) => {
      pending.push({ url: String(input), init, answer: resolve });
    });
  return { fetch: fake as typeof fetch, pending };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createTimelineStore', () => {
  it('starts loading, then holds the entries', async () => {
    const entry = timelineEntry({ status: 'failed' });
    const { fetch } = scriptedFetch(jsonResponse({ items: [entry] }));
    const store = createTimelineStore('5501234567890', { fetch });

    expect(store.state.value).toEqual({ kind: 'loading' });
    await store.reload();

    expect(store.state.value).toEqual({ kind: 'ready', entries: [entry], refreshing: false });
  });

  it('holds the error when loading fails, and recovers on retry', async () => {
    const { fetch } = scriptedFetch(new Response('', { status: 503 }), jsonResponse({ items: [] }));
    const store = createTimelineStore('1', { fetch });

    await store.reload();
    const failed = store.state.value;
    expect(failed.kind).toBe('error');
    expect(failed.kind === 'error' && (failed.error as ConnectError).code).toBe('UPSTREAM_FAILED');

    await store.reload();
    expect(store.state.value).toEqual({ kind: 'ready', entries: [], refreshing: false });
  });

  it('ignores a late answer of a superseded reload', async () => {
    const { fetch, pending } = manualFetch();
    const store = createTimelineStore('1', { fetch });
    const first = store.reload();
    const second = store.reload();
    expect(pending).toHaveLength(2);
    expect(pending[0]!.init?.signal?.aborted).toBe(true);

    pending[1]!.answer(jsonResponse({ items: [timelineEntry({ id: 'new' })] }));
    await second;
    pending[0]!.answer(jsonResponse({ items: [timelineEntry({ id: 'old' })] }));
    await first;

    const state = store.state.value;
    expect(state.kind === 'ready' && state.entries.map((e) => e.id)).toEqual(['new']);
  });

  it('resends, reports the new attempt, tells the caller, then reloads', async () => {
    const failed = timelineEntry({ id: 'c1', status: 'failed', documentType: 'invoice' });
    const retry = timelineEntry({ id: 'c2', status: 'queued', attempt: 2, resendOfId: 'c1' });
    const { fetch, calls } = scriptedFetch(
      jsonResponse({ items: [failed] }),
      jsonResponse({ communicationId: 'c2' }),
      jsonResponse({ items: [retry, failed] }),
    );
    const resent: string[] = [];
    const store = createTimelineStore('77', { fetch, onResent: (n) => resent.push(n.newCommunicationId) });
    await store.reload();

    const done = store.resend('c1');
    expect(store.pendingResendId.value).toBe('c1');
    await done;

    expect(calls.map((c) => `${c.init?.method} ${c.url}`)).toEqual([
      'GET /api/orders/77/communications',
      'POST /api/orders/77/resend',
      'GET /api/orders/77/communications',
    ]);
    expect(store.pendingResendId.value).toBeNull();
    expect(store.notice.value).toEqual({ kind: 'resent', communicationId: 'c1', newCommunicationId: 'c2', documentType: 'invoice' });
    expect(resent).toEqual(['c2']);
    const state = store.state.value;
    expect(state.kind === 'ready' && state.entries.map((e) => e.id)).toEqual(['c2', 'c1']);
  });

  it('reports a refused resend and keeps the timeline', async () => {
    const failed = timelineEntry({ id: 'c1', status: 'failed' });
    const { fetch } = scriptedFetch(
      jsonResponse({ items: [failed] }),
      jsonResponse({ error: { code: 'CONFLICT', message: 'Already being resent' } }, 409),
    );
    const store = createTimelineStore('1', { fetch });
    await store.reload();

    await store.resend('c1');

    const notice = store.notice.value;
    expect(notice?.kind).toBe('resendFailed');
    expect(notice?.kind === 'resendFailed' && (notice.error as ConnectError).userMessage).toBe('Already being resent');
    expect(store.pendingResendId.value).toBeNull();
    expect(store.state.value.kind).toBe('ready');
    store.dismissNotice();
    expect(store.notice.value).toBeNull();
  });

  it('allows one resend at a time', async () => {
    const { fetch, pending } = manualFetch();
    const store = createTimelineStore('1', { fetch });
    void store.resend('a');
    void store.resend('b');
    await flush();
    expect(pending.map((p) => JSON.parse(String(p.init?.body)))).toEqual([{ communicationId: 'a' }]);
    store.dispose();
  });

  it('changes nothing after dispose', async () => {
    const { fetch, pending } = manualFetch();
    const store = createTimelineStore('1', { fetch });
    const loading = store.reload();
    store.dispose();
    expect(pending[0]!.init?.signal?.aborted).toBe(true);
    pending[0]!.answer(jsonResponse({ items: [] }));
    await loading;
    expect(store.state.value).toEqual({ kind: 'loading' });
    await store.reload();
    expect(pending).toHaveLength(1);
  });
});
