import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequestHandler, type ServerBuild } from '@remix-run/node';
import { API_KEY, API_SECRET_KEY, APP_URL, RequestType, setUpValidRequest } from '@shopify/shopify-api/test-helpers';
import { createServer, type ViteDevServer } from 'vite';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export type RemixRequestHandler = { handle(request: Request): Promise<Response>; close(): Promise<void> };

/**
 * The app's real Remix request handler (route matching, loader vs action by method, boundaries,
 * entry.server rendering) over the current sources: Vite's SSR loader compiles the Remix server
 * build in memory, so no `build/` is written (the browser suite builds that one) and route files
 * are exactly what is under test. Mode `production`, as deployed: thrown errors are sanitised.
 * The routes reach the engine through the runtime slot the test configured (a globalThis key).
 */
export async function startRemixRequestHandler(): Promise<RemixRequestHandler> {
  const vite: ViteDevServer = await createServer({
    root: PACKAGE_DIR,
    configFile: path.join(PACKAGE_DIR, 'vite.config.ts'),
    appType: 'custom',
    logLevel: 'error',
    server: { middlewareMode: true, hmr: false, watch: null },
    // Only the server build is loaded: no client dependency pre-bundling.
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  try {
    const build = (await vite.ssrLoadModule('virtual:remix/server-build')) as ServerBuild;
    const handle = createRequestHandler(build, 'production');
    return { handle: (request) => handle(request), close: () => vite.close() };
  } catch (error) {
    await vite.close();
    throw error;
  }
}

/**
 * One admin page of the test shop as the embedded admin loads it (an App Bridge admin request),
 * rendered by the real Remix handler: its status and HTML.
 */
export async function renderAdminPage(pagePath: string): Promise<{ status: number; html: string }> {
  const app = await startRemixRequestHandler();
  try {
    const request = await setUpValidRequest({ type: RequestType.Admin, store: 'test-shop', apiKey: API_KEY, apiSecretKey: API_SECRET_KEY }, new Request(`${APP_URL}${pagePath}`));
    const response = await app.handle(request);
    return { status: response.status, html: await response.text() };
  } finally {
    await app.close();
  }
}
