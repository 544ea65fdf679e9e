import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { header } from './http-utils.ts';

function cookieValue(cookieHeader: string | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      const raw = part.slice(at + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw; // a malformed %-escape is compared as sent, never a 500
      }
    }
  }
  return null;
}

/**
 * The double-submit check of Spring's cookie CSRF repository: the cookie and the header must both be
 * present and equal. Returns why the pair is rejected, or null when it passes.
 */
export function checkXsrfPair(req: IncomingMessage, names: { cookieName: string; headerName: string }): string | null {
  const fromHeader = header(req, names.headerName);
  const fromCookie = cookieValue(header(req, 'cookie'), names.cookieName);
  if (!fromHeader || !fromCookie) {
    return `Invalid CSRF token: the ${names.cookieName} cookie and the ${names.headerName} header are both required on HTTP input channels`;
  }
  const a = Buffer.from(fromHeader);
  const b = Buffer.from(fromCookie);
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return `Invalid CSRF token: the ${names.headerName} header does not match the ${names.cookieName} cookie`;
  }
  return null;
}
