import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequestHandler, type ServerBuild } from '@remix-run/node';
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
