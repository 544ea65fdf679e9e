/**
 * Downloads from the app's own authenticated resource routes (CSV export, customer data exports)
 * inside Shopify's admin. A navigation (`window.location`, `<a href>`) carries no session token, so
 * `authenticate.admin` would send it to the login page; instead the file is fetched with
 * `Authorization: Bearer <shopify.idToken()>` and handed to the browser as a Blob.
 */
export type DownloadDeps = {
  /** App Bridge's `shopify.idToken()`; the local-mode stand-in answers '' (no header is sent). */
  idToken: () => Promise<string>;
  fetch: typeof fetch;
  /** Hands the file to the browser (`saveBlob` in a page). */
  save: (blob: Blob, fileName: string) => void;
};

/** `authenticate.admin` answers an expired session token with 401 and this header: fetch a fresh token once. */
const RETRY_HEADER = 'X-Shopify-Retry-Invalid-Session-Request';

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export async function downloadWithSessionToken(url: string, fallbackName: string, deps: DownloadDeps): Promise<{ fileName: string; bytes: number }> {
  const request = async () => {
    const token = await deps.idToken();
    // manual: a redirect (to the login page) must fail the download, not be saved as the file.
    return deps.fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {}, credentials: 'same-origin', redirect: 'manual' });
  };
  let response = await request();
  if (response.status === 401 && response.headers.get(RETRY_HEADER) === '1') response = await request();
  if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
    throw new DownloadError('Download failed: the session could not be verified, reload the page', response.status);
  }
  if (!response.ok) throw new DownloadError(await errorMessage(response), response.status);
  const blob = await response.blob();
  const fileName = fileNameFromDisposition(response.headers.get('Content-Disposition'), fallbackName);
  deps.save(blob, fileName);
  return { fileName, bytes: blob.size };
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') return `Download failed: ${parsed.error.message}`;
  } catch {
    // Not JSON: the status says enough.
  }
  return `Download failed (HTTP ${response.status})`;
}

/** The `filename="…"` of a Content-Disposition, reduced to safe characters; else the fallback. */
export function fileNameFromDisposition(header: string | null, fallback: string): string {
  const match = header ? /filename="?([^";]+)"?/i.exec(header) : null;
  const name = match?.[1]?.replace(/[^A-Za-z0-9._-]/g, '_');
  return name && name !== '.' && name !== '..' ? name : fallback;
}

/** Browser side of `save`: an object URL on a temporary `<a download>`. */
export function saveBlob(blob: Blob, fileName: string): void {
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoked later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
