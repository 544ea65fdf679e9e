import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link as RemixLink, useLoaderData, useNavigation } from '@remix-run/react';
import { Banner, BlockStack, Box, Button, Card, InlineGrid, InlineStack, Layout, Page, SkeletonBodyText, Text } from '@shopify/polaris';
import { requireAdmin } from '../lib/require-admin.server.ts';
import { listCustomerExports } from '../lib/customer-exports.server.ts';
import { humanize } from '../lib/status-badge.tsx';
import { formatDate, formatDateTime } from '../lib/format-date.ts';
import { useAuthenticatedDownload } from '../lib/use-authenticated-download.ts';
import { VolumeChart } from '../lib/volume-chart.tsx';
import { runtime } from '../runtime.server.ts';

export async function loader({ request }: LoaderFunctionArgs) {
  const { store, session } = await requireAdmin(request);
  const { engine, exportsDir } = runtime();
  const [stats, exports] = await Promise.all([engine.history.stats(store), listCustomerExports(exportsDir, session.shop)]);
  return json({ shop: session.shop, dryRun: store.dryRun, stats, exports });
}

export default function Dashboard() {
  const { shop, dryRun, stats, exports } = useLoaderData<typeof loader>();
  const loading = useNavigation().state === 'loading';
  const { download, pending } = useAuthenticatedDownload();
  const rate = `${(stats.failureRate * 100).toFixed(1)} %`;
  return (
    <Page title="Dashboard" subtitle={shop}>
      <BlockStack gap="500">
        {dryRun ? (
          <Banner tone="warning" title="Dry run is on">
            <p>Documents are planned and recorded but nothing is sent to Exstream. Turn it off in Settings.</p>
          </Banner>
        ) : null}
        <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
          <Metric label="Communications today" value={String(stats.today)} loading={loading} />
          <Metric label="Failed today" value={String(stats.failedToday)} loading={loading} />
          <Metric label="Failure rate" value={rate} loading={loading} />
        </InlineGrid>
        <Card>
          <BlockStack gap="300">
            <InlineStack align="space-between">
              <Text as="h2" variant="headingMd">
                Last {stats.days.length} days
              </Text>
              <Text as="span" tone="subdued">
                Days in {stats.timezone}
              </Text>
            </InlineStack>
            {loading ? <SkeletonBodyText lines={5} /> : <VolumeChart days={stats.days} />}
          </BlockStack>
        </Card>
        <Layout>
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Last errors
                </Text>
                {stats.lastErrors.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No errors: every recent communication went through.
                  </Text>
                ) : (
                  <BlockStack gap="200">
                    {stats.lastErrors.map((error) => (
                      <Box key={error.id} paddingBlockEnd="200" borderBlockEndWidth="025" borderColor="border">
                        <InlineStack align="space-between" gap="200">
                          <Text as="span" fontWeight="semibold">
                            {humanize(error.documentType)} {error.orderRef ? `· order ${error.orderRef}` : ''}
                          </Text>
                          <Text as="span" tone="subdued">
                            {formatDateTime(error.at)}
                          </Text>
                        </InlineStack>
                        <Text as="p" tone="critical">
                          {error.error}
                        </Text>
                      </Box>
                    ))}
                    <RemixLink to="/app/communications?status=failed">See failed communications</RemixLink>
                  </BlockStack>
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Customer data requests
                </Text>
                {exports.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No customer data requests received.
                  </Text>
                ) : (
                  exports.map((item) => (
                    <InlineStack key={item.id} align="space-between">
                      {/* Fetched with the session token: a plain link would open without one. */}
                      <Button variant="plain" loading={pending === `/app/exports/${item.id}`} onClick={() => void download(`/app/exports/${item.id}`, `${item.id}.json`)}>
                        {item.id}
                      </Button>
                      <Text as="span" tone="subdued">
                        {formatDate(item.createdAt)}
                      </Text>
                    </InlineStack>
                  ))
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

function Metric({ label, value, loading }: { label: string; value: string; loading: boolean }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        {loading ? <SkeletonBodyText lines={1} /> : <Text as="p" variant="heading2xl">{value}</Text>}
      </BlockStack>
    </Card>
  );
}
