import { describe, expect, it } from 'vitest';
import { DownloadError, downloadWithSessionToken, fileNameFromDisposition } from '../app/lib/download-with-session-token.ts';

type Call = { url: string; authorization: string | null; redirect: RequestRedirect | undefined };

/** A fetch double answering the queued responses in order and recording what each call sent. */
function fetchAnswering(...responses: Response[]) {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), authorization: new Headers(init?.headers).get('Authorization'), redirect: init?.redirect });
    const next = responses.shift();
    if (!next) throw new Error('unexpected fetch');
    return next;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function tokens(...values: string[]) {
  return async () => values.shift() ?? 'no-more-tokens';
}

describe('downloadWithSessionToken', () => {
  it('GIVEN a session token THEN the file is fetched with it (redirects not followed) and saved under the name the server gives', async () => {
    const { fetch, calls } = fetchAnswering(new Response('a,b\r\n1,2\r\n', { headers: { 'Content-Disposition': 'attachment; filename="communications-shop-2026-01-02.csv"' } }));
    const saved: Array<{ name: string; blob: Blob }> = [];
    const result = await downloadWithSessionToken('/app/communications/export?status=failed', 'fallback.csv', { idToken: tokens('jwt-1'), fetch, save: (blob, name) => void saved.push({ name, blob }) });
    expect(calls).toEqual([{ url: '/app/communications/export?status=failed', authorization: 'Bearer jwt-1', redirect: 'manual' }]);
    expect(result).toEqual({ fileName: 'communications-shop-2026-01-02.csv', bytes: 10 });
    expect(saved.map((s) => s.name)).toEqual(['communications-shop-2026-01-02.csv']);
    expect(await saved[0]!.blob.text()).toBe('a,b\r\n1,2\r\n');
  });

  it('GIVEN an expired token answered with 401 and the retry header THEN one retry with a fresh token', async () => {
    const { fetch, calls } = fetchAnswering(new Response(null, { status: 401, headers: { 'X-Shopify-Retry-Invalid-Session-Request': '1' } }), new Response('{}'));
    await downloadWithSessionToken('/app/exports/data-request-1', 'data-request-1.json', { idToken: tokens('old', 'fresh'), fetch, save: () => undefined });
    expect(calls.map((c) => c.authorization)).toEqual(['Bearer old', 'Bearer fresh']);
  });

  it('GIVEN a 401 without the retry header, a JSON error or a redirect THEN DownloadError and nothing is saved', async () => {
    let saves = 0;
    const save = () => void saves++;
    const refused = downloadWithSessionToken('/x', 'x', { idToken: tokens('t'), fetch: fetchAnswering(new Response(null, { status: 401 })).fetch, save });
    await expect(refused).rejects.toMatchObject({ name: 'DownloadError', status: 401, message: 'Download failed (HTTP 401)' });
    const missing = downloadWithSessionToken('/x', 'x', { idToken: tokens('t'), fetch: fetchAnswering(Response.json({ error: { code: 'NOT_FOUND', message: 'Export not found' } }, { status: 404 })).fetch, save });
    await expect(missing).rejects.toMatchObject({ status: 404, message: 'Download failed: Export not found' });
    const redirected = downloadWithSessionToken('/x', 'x', { idToken: tokens('t'), fetch: fetchAnswering(new Response(null, { status: 302, headers: { Location: '/auth/login' } })).fetch, save });
    await expect(redirected).rejects.toBeInstanceOf(DownloadError);
    expect(saves).toBe(0);
  });

  it('GIVEN local mode (App Bridge stand-in answers an empty token) THEN no Authorization header is sent', async () => {
    const { fetch, calls } = fetchAnswering(new Response('ok'));
    await downloadWithSessionToken('/app/communications/export', 'c.csv', { idToken: tokens(''), fetch, save: () => undefined });
    expect(calls[0]!.authorization).toBeNull();
  });
});

describe('fileNameFromDisposition', () => {
  it.each([
    ['attachment; filename="data-request-9.json"', 'data-request-9.json'],
    ['attachment; filename=plain.csv', 'plain.csv'],
    ['attachment; filename="../../etc/passwd"', '.._.._etc_passwd'],
    ['attachment; filename=".."', 'fallback.bin'],
    ['inline', 'fallback.bin'],
    [null, 'fallback.bin'],
  ])('%s → %s', (header, expected) => {
    expect(fileNameFromDisposition(header, 'fallback.bin')).toBe(expected);
  });
});
