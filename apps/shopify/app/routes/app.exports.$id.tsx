import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireAdmin } from '../lib/require-admin.server.ts';
import { readCustomerExport } from '../lib/customer-exports.server.ts';
import { runtime } from '../runtime.server.ts';

/** Download of a customers/data_request export, only from the authenticated shop's folder. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { session } = await requireAdmin(request);
  const content = await readCustomerExport(runtime().exportsDir, session.shop, params.id ?? '');
  if (content === null) return new Response('Not found', { status: 404 });
  return new Response(content, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${params.id}.json"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
