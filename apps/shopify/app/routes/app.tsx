import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, Outlet, isRouteErrorResponse, useLoaderData, useRouteError, useRouteLoaderData } from '@remix-run/react';
import { boundary } from '@shopify/shopify-app-remix/server';
import { AppProvider } from '@shopify/shopify-app-remix/react';
import { NavMenu } from '@shopify/app-bridge-react';
import polarisStyles from '@shopify/polaris/build/esm/styles.css?url';
import { requireAdmin } from '../lib/require-admin.server.ts';
import { ErrorPage, describeRouteError } from '../lib/error-page.tsx';
import { runtime } from '../runtime.server.ts';

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { localMode } = await requireAdmin(request);
  // Outside Shopify's admin the CDN App Bridge cannot work: local mode serves a small stand-in.
  return json({ apiKey: runtime().apiKey, appBridgeUrl: localMode ? '/local/app-bridge.js' : null });
}

export default function App() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
      <NavMenu>
        <Link to="/app" rel="home">
          Dashboard
        </Link>
        <Link to="/app/communications">Communications</Link>
        <Link to="/app/settings">Settings</Link>
      </NavMenu>
      <Outlet />
    </AppProvider>
  );
}

/**
 * Responses thrown by the Shopify library (the session-token bounce page, reauthorisation
 * headers) are rendered by `boundary.error`, as the library requires. Anything else (a loader of
 * this layout or of a page failed) gets a Polaris error page inside the same App Bridge frame,
 * instead of Remix's unstyled default.
 */
export function ErrorBoundary() {
  const error = useRouteError();
  // Present when only a child route failed: App Bridge then stays loaded for the admin frame.
  const layout = useRouteLoaderData<typeof loader>('routes/app');
  if (isRouteErrorResponse(error)) return boundary.error(error);
  const bridge = layout?.appBridgeUrl ? { __APP_BRIDGE_URL: layout.appBridgeUrl } : {};
  return (
    <AppProvider isEmbeddedApp={Boolean(layout)} apiKey={layout?.apiKey ?? ''} {...bridge}>
      <ErrorPage content={describeRouteError(error)} />
    </AppProvider>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
