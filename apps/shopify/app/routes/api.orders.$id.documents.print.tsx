import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireAdmin } from '../lib/require-admin.server.ts';
import { errorResponse } from '../lib/error-response.server.ts';
import { parseOrderRef } from '../lib/order-ref.ts';
import { signDownloadPath } from '../lib/signed-download-url.server.ts';
import { runtime } from '../runtime.server.ts';

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * GET /api/orders/:id/documents/print → an HTML page listing the order's produced documents,
 * each embedded, for the admin print action (`admin.order-details.print-action.render`).
 *
 * The browser loads each `<object data>` itself, without the session token this page was
 * requested with: the links are signed for this shop and expire after 5 minutes
 * (`signDownloadPath`), enough to render and print the page.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { cors, store, session } = await requireAdmin(request);
  try {
    const orderRef = parseOrderRef(params.id);
    if (!orderRef) return cors(new Response('Invalid order id', { status: 400 }));
    const entries = (await runtime().engine.history.forOrder(store, orderRef)).filter((entry) => entry.hasDocument);
    const sections = entries.map((entry) => {
      // Relative: behind a TLS-terminating proxy the request's own origin may say http.
      const src = signDownloadPath(`/api/documents/${encodeURIComponent(entry.id)}`, { shop: session.shop, key: runtime().downloadSigningKey });
      const title = `${entry.documentType.replace(/_/g, ' ')} · ${entry.channel} · ${entry.status}`;
      return `<section><h2>${escapeHtml(title)}</h2><p>${escapeHtml(new Date(entry.createdAt).toUTCString())}${entry.templateVersion ? ` · template v${escapeHtml(entry.templateVersion)}` : ''}</p><object data="${escapeHtml(src)}" type="application/pdf" width="100%" height="900"><a href="${escapeHtml(src)}">Open the PDF</a></object></section>`;
    });
    const body = sections.length > 0 ? sections.join('\n') : '<p>No documents have been produced for this order yet.</p>';
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Order documents</title><style>body{font-family:system-ui,sans-serif;margin:24px}section{page-break-after:always;margin-bottom:32px}h2{text-transform:capitalize;font-size:18px}</style></head><body><h1>Documents for order ${escapeHtml(entries[0]?.orderNumber ?? orderRef)}</h1>${body}</body></html>`;
    return cors(new Response(html, { headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'private, no-store', 'Referrer-Policy': 'no-referrer' } }));
  } catch (error) {
    return errorResponse(error, cors);
  }
}
