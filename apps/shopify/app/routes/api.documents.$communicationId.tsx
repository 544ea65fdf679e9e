import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireAdminOrSignedLink } from '../lib/require-admin.server.ts';
import { errorResponse } from '../lib/error-response.server.ts';
import { parseCommunicationId } from '../lib/communication-id.ts';
import { runtime } from '../runtime.server.ts';

/**
 * GET /api/documents/:communicationId → the produced PDF, scoped to the authenticated shop: a
 * session token (extensions), or a short-lived signed link (the print page embeds those).
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { cors, store } = await requireAdminOrSignedLink(request);
  try {
    const id = parseCommunicationId(params.communicationId);
    const document = id ? await runtime().engine.documents.open(store, id) : null;
    if (!document) return cors(Response.json({ error: { code: 'NOT_FOUND', message: 'Document not found' } }, { status: 404 }));
    const fileName = document.fileName.replace(/[^A-Za-z0-9._-]/g, '_');
    return cors(
      new Response(new Uint8Array(document.body), {
        headers: {
          'Content-Type': document.contentType,
          'Content-Disposition': `inline; filename="${fileName}"`,
          'Cache-Control': 'private, no-store',
          // A signed link must not leak through a Referer header.
          'Referrer-Policy': 'no-referrer',
        },
      }),
    );
  } catch (error) {
    return errorResponse(error, cors);
  }
}
