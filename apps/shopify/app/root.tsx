import { Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from '@remix-run/react';
import type { ReactNode } from 'react';
import { AppProvider } from '@shopify/shopify-app-remix/react';
import polarisStyles from '@shopify/polaris/build/esm/styles.css?url';
import { ErrorPage, describeRouteError } from './lib/error-page.tsx';

function Document({ children, head }: { children: ReactNode; head?: ReactNode }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <link rel="preconnect" href="https://cdn.shopify.com/" />
        <Meta />
        <Links />
        {head}
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <Document>
      <Outlet />
    </Document>
  );
}

/**
 * Last resort, for errors no route boundary caught (an unknown URL, a failure outside /app). Its
 * own Polaris stylesheet: the routes' `links` are not rendered when the root fails. Responses are
 * shown by status, never by their body, which may echo the URL.
 */
export function ErrorBoundary() {
  const content = describeRouteError(useRouteError());
  return (
    <Document head={<link rel="stylesheet" href={polarisStyles} />}>
      <AppProvider isEmbeddedApp={false} apiKey="">
        <ErrorPage content={content} />
      </AppProvider>
    </Document>
  );
}
