import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { requireAdmin } from '../lib/require-admin.server.ts';
import { toRunRows } from '../lib/statement-run-progress.ts';
import { runtime } from '../runtime.server.ts';

/** The shop's statement runs with their progress: what the Settings page polls while a run moves. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { store } = await requireAdmin(request);
  const runs = await runtime().engine.statements.runs(store);
  return json({ runs: toRunRows(runs) }, { headers: { 'Cache-Control': 'private, no-store' } });
}
