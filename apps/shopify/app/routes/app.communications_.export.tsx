import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireAdmin } from '../lib/require-admin.server.ts';
import { historyFilterFromUrl } from '../lib/history-filter.server.ts';
import { toCsv } from '../lib/to-csv.ts';
import type { TimelineEntry } from '@exstream-connect/engine';
import { runtime } from '../runtime.server.ts';

const PAGE = 200;
const MAX_ROWS = 10_000;

/** GET /app/communications/export?status=… → CSV of the filtered history (bounded to 10,000 rows). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { store, session } = await requireAdmin(request);
  const { engine } = runtime();
  const { filter } = historyFilterFromUrl(new URL(request.url), PAGE);
  const rows: TimelineEntry[] = [];
  let cursor: string | undefined = undefined;
  for (let page = 0; page < MAX_ROWS / PAGE; page++) {
    const result: { items: TimelineEntry[]; nextCursor: string | null } = await engine.history.list(store, { ...filter, ...(cursor ? { cursor } : {}) });
    rows.push(...result.items);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  const csv = toCsv(
    ['id', 'created_at', 'order_id', 'order_number', 'document_type', 'channel', 'status', 'attempt', 'template_version', 'resend_of', 'last_error'],
    rows.map((r) => [r.id, r.createdAt, r.orderRef, r.orderNumber, r.documentType, r.channel, r.status, r.attempt, r.templateVersion, r.resendOfId, r.lastError]),
  );
  const name = `communications-${session.shop.replace('.myshopify.com', '')}-${new Date().toISOString().slice(0, 10)}.csv`;
  return new Response(csv, {
    headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'private, no-store' },
  });
}
