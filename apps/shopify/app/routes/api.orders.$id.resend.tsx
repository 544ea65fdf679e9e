import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { requireAdmin } from '../lib/require-admin.server.ts';
import { errorResponse } from '../lib/error-response.server.ts';
import { parseOrderRef } from '../lib/order-ref.ts';
import { parseCommunicationId } from '../lib/communication-id.ts';
import { runtime } from '../runtime.server.ts';

const ZResendBody = z.object({ communicationId: z.string().min(1).max(100) });

// OPTIONS preflight reaches the loader for a POST-only route: authenticate.admin answers it.
export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  return new Response(null, { status: 405 });
}

/**
 * POST /api/orders/:id/resend `{ communicationId }` → `{ communicationId }` of the new attempt.
 * The communication must belong to this shop AND this order; anything else is a 404 so that
 * ids of other shops cannot be probed.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const { cors, store } = await requireAdmin(request);
  try {
    const orderRef = parseOrderRef(params.id);
    const body = ZResendBody.safeParse(await request.json().catch(() => null));
    if (!orderRef || !body.success) {
      return cors(Response.json({ error: { code: 'VALIDATION_FAILED', message: 'Expected an order id and a JSON body { communicationId }' } }, { status: 400 }));
    }
    const communicationId = parseCommunicationId(body.data.communicationId);
    const { engine } = runtime();
    const timeline = communicationId ? await engine.history.forOrder(store, orderRef) : [];
    if (!communicationId || !timeline.some((entry) => entry.id === communicationId)) {
      return cors(Response.json({ error: { code: 'NOT_FOUND', message: 'Communication not found for this order' } }, { status: 404 }));
    }
    const result = await engine.resend(store, communicationId);
    return cors(Response.json({ communicationId: result.communicationId }));
  } catch (error) {
    return errorResponse(error, cors);
  }
}
