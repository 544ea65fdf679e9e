import { vitePlugin as remix } from '@remix-run/dev';
import { defaultClientConditions, defaultServerConditions, defineConfig } from 'vite';

// `source`: our workspace packages are TypeScript sources. Only the pure @exstream-connect/core is
// bundled (option lists, errors, topic names); the engine and the database reach the routes at
// runtime through `setShopifyRuntime`, never through an import, so the build holds no second copy
// of them. Errors thrown by the engine are recognised by shape (app/lib/error-response.server.ts).
export default defineConfig({
  plugins: [
    remix({
      ignoredRouteFiles: ['**/.*'],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
      },
    }),
  ],
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions], externalConditions: ['source'] } },
  build: { assetsInlineLimit: 0 },
  logLevel: 'warn',
});
