import { isRouteErrorResponse } from '@remix-run/react';
import { BlockStack, Box, Button, Card, InlineStack, Page, Text } from '@shopify/polaris';

export type ErrorPageContent = { title: string; message: string; status: number | null };

/**
 * What a merchant is told about an error a route threw. A thrown Error says nothing of its
 * internals (in production Remix replaces its message anyway); a thrown Response keeps its status.
 */
export function describeRouteError(error: unknown): ErrorPageContent {
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) return { title: 'Page not found', message: 'This page does not exist in Exstream Connect.', status: 404 };
    return { title: 'This page could not be loaded', message: `The app answered ${error.status}${error.statusText ? ` ${error.statusText}` : ''}. Try again in a moment.`, status: error.status };
  }
  return { title: 'Something went wrong', message: 'Exstream Connect could not load this page. Try again; if it keeps failing, contact support.', status: null };
}

/** A Polaris error page; must be rendered inside a Polaris AppProvider. */
export function ErrorPage({ content }: { content: ErrorPageContent }) {
  return (
    <Page title="Exstream Connect">
      <div data-testid="error-page" role="alert">
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingLg">
              {content.title}
            </Text>
            <Text as="p" tone="subdued">
              {content.message}
            </Text>
            {content.status !== null ? (
              <Text as="p" variant="bodySm" tone="subdued">
                {`HTTP ${content.status}`}
              </Text>
            ) : null}
            <Box paddingBlockStart="200">
              <InlineStack gap="200">
                {/* A full reload: the failed loader runs again with a fresh session token. */}
                <Button variant="primary" onClick={() => window.location.reload()}>
                  Try again
                </Button>
                <Button url="/app">Dashboard</Button>
              </InlineStack>
            </Box>
          </BlockStack>
        </Card>
      </div>
    </Page>
  );
}
