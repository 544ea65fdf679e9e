import { ConnectError } from '@exstream-connect/core';
import { describe, expect, it } from 'vitest';
import { fetchTimeline } from '../src/fetch-timeline.ts';
import { jsonResponse, scriptedFetch, timelineEntry } from './fixtures.ts';

async function failure(promise: Promise<unknown>): Promise<ConnectError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(ConnectError);
  return outcome as ConnectError;
}

describe('fetchTimeline', () => {
  it('GETs the order communications route and answers the entries newest first', async () => {
    const older = timelineEntry({ createdAt: '2026-11-19T08:00:00.000Z', documentType: 'order_confirmation' });
    const newer = timelineEntry({ createdAt: '2026-11-21T08:00:00.000Z', documentType: 'shipping_notice' });
    const { fetch, calls } = scriptedFetch(jsonResponse({ items: [older, newer] }));

    const entries = await fetchTimeline('5501234567890', { fetch });

    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('/api/orders/5501234567890/communications');
    expect(calls[0]!.init?.method).toBe('GET');
    expect(entries.map((e) => e.id)).toEqual([newer.id, older.id]);
  });

  it('orders a resend created in the same instant before its original (higher attempt first)', async () => {
    const original = timelineEntry({ status: 'failed', attempt: 1 });
    const retry = timelineEntry({ status: 'queued', attempt: 2, resendOfId: original.id, createdAt: original.createdAt });
    const { fetch } = scriptedFetch(jsonResponse({ items: [original, retry] }));

    const entries = await fetchTimeline('1', { fetch });

    expect(entries.map((e) => e.attempt)).toEqual([2, 1]);
  });

  it('answers an empty list for an order without communications', async () => {
    const { fetch } = scriptedFetch(jsonResponse({ items: [] }));
    await expect(fetchTimeline('1', { fetch })).resolves.toEqual([]);
  });

  it('GIVEN a 404 with the app error body THEN throws NOT_FOUND carrying the server message', async () => {
    const { fetch } = scriptedFetch(jsonResponse({ error: { code: 'NOT_FOUND', message: 'No such order for this shop' } }, 404));

    const error = await failure(fetchTimeline('1', { fetch }));

    expect(error.code).toBe('NOT_FOUND');
    expect(error.userMessage).toBe('No such order for this shop');
    expect(error.message).toContain('HTTP 404');
    expect(error.retryable).toBe(false);
  });

  it('GIVEN a 401 without body THEN throws UNAUTHENTICATED', async () => {
    const { fetch } = scriptedFetch(new Response('', { status: 401 }));
    const error = await failure(fetchTimeline('1', { fetch }));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.details).toEqual({ status: 401 });
  });

  it('GIVEN a 502 HTML page THEN throws a retryable UPSTREAM_FAILED', async () => {
    const { fetch } = scriptedFetch(new Response('<html>Bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }));
    const error = await failure(fetchTimeline('1', { fetch }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Loading communications failed: HTTP 502');
  });

  it('GIVEN a 200 whose entries break the contract THEN names the field at fault', async () => {
    const broken = { ...timelineEntry(), status: 42, createdAt: 'yesterday' };
    const { fetch } = scriptedFetch(jsonResponse({ items: [broken] }));

    const error = await failure(fetchTimeline('1', { fetch }));

    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['items.0.status', 'items.0.createdAt']));
    expect(error.message).toContain('items.0.status');
  });

  it('GIVEN a 200 that is not JSON THEN says so', async () => {
    const { fetch } = scriptedFetch(new Response('<!doctype html><p>login</p>', { status: 200 }));
    const error = await failure(fetchTimeline('1', { fetch }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.message).toContain('not JSON');
  });

  it('GIVEN the network fails THEN throws a retryable UPSTREAM_FAILED keeping the cause', async () => {
    const cause = new TypeError('Failed to fetch');
    const { fetch } = scriptedFetch(cause);
    const error = await failure(fetchTimeline('1', { fetch }));
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(cause);
  });

  it('keeps statuses and document types this build does not know', async () => {
    const future = timelineEntry({ status: 'archived', documentType: 'loyalty_statement', channel: 'whatsapp' });
    const { fetch } = scriptedFetch(jsonResponse({ items: [future] }));
    const [entry] = await fetchTimeline('1', { fetch });
    expect(entry).toMatchObject({ status: 'archived', documentType: 'loyalty_statement', channel: 'whatsapp' });
  });
});
