import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireAdmin } from '../lib/require-admin.server.ts';
import { errorResponse } from '../lib/error-response.server.ts';
import { parseOrderRef } from '../lib/order-ref.ts';
import { runtime } from '../runtime.server.ts';

/** GET /api/orders/:id/communications → `{ items: TimelineEntry[] }` for the order-details block. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { cors, store } = await requireAdmin(request);
  try {
    const orderRef = parseOrderRef(params.id);
    if (!orderRef) return cors(Response.json({ error: { code: 'VALIDATION_FAILED', message: 'Invalid order id', issues: [{ path: 'id', message: 'expected a numeric order id or an Order GID' }] } }, { status: 400 }));
    const items = await runtime().engine.history.forOrder(store, orderRef);
    return cors(Response.json({ items }));
  } catch (error) {
    return errorResponse(error, cors);
  }
}
