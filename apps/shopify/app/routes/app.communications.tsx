import { useEffect, useState } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useFetcher, useLoaderData, useNavigation, useRevalidator, useSearchParams } from '@remix-run/react';
import { useAppBridge } from '@shopify/app-bridge-react';
import { Banner, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Page, Select, Text, TextField } from '@shopify/polaris';
import { CHANNELS, DOCUMENT_TYPES, ZCommunicationStatus } from '@exstream-connect/core';
import { requireAdmin } from '../lib/require-admin.server.ts';
import { asConnectError } from '../lib/error-response.server.ts';
import { readForm } from '../lib/read-form.server.ts';
import { parseCommunicationId } from '../lib/communication-id.ts';
import { historyFilterFromUrl } from '../lib/history-filter.server.ts';
import { StatusBadge, humanize } from '../lib/status-badge.tsx';
import { formatDateTime } from '../lib/format-date.ts';
import { useAuthenticatedDownload } from '../lib/use-authenticated-download.ts';
import { runtime } from '../runtime.server.ts';

const PAGE_SIZE = 50;
const STATUSES = ZCommunicationStatus.options;
const RETRYABLE = new Set(['failed', 'bounced']);

export async function loader({ request }: LoaderFunctionArgs) {
  const { store } = await requireAdmin(request);
  const { query, filter } = historyFilterFromUrl(new URL(request.url), PAGE_SIZE);
  const page = await runtime().engine.history.list(store, filter);
  return json({ query, items: page.items, nextCursor: page.nextCursor });
}

type RetryResult = { ok: true; message: string; communicationId: string } | { ok: false; message: string };

/** Retry of a failed communication (engine.retryFailed; a bounced one gets a new attempt via resend). */
export async function action({ request }: ActionFunctionArgs) {
  const { store } = await requireAdmin(request);
  const read = await readForm(request);
  if (!read.ok) return json<RetryResult>({ ok: false, message: read.message }, { status: read.status });
  const { form } = read;
  const id = parseCommunicationId(form.get('communicationId'));
  if (!id) return json<RetryResult>({ ok: false, message: 'Communication not found' }, { status: 404 });
  try {
    const { engine } = runtime();
    const failed = form.get('status') === 'failed';
    const result = failed && engine.retryFailed ? await engine.retryFailed(store, id) : await engine.resend(store, id);
    return json<RetryResult>({ ok: true, message: 'Retry queued', communicationId: result.communicationId });
  } catch (error) {
    const connect = asConnectError(error);
    if (!connect || connect.httpStatus >= 500) throw error;
    return json<RetryResult>({ ok: false, message: connect.userMessage }, { status: connect.httpStatus });
  }
}

export default function Communications() {
  const { query, items, nextCursor } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const [order, setOrder] = useState(query.order ?? '');
  const loading = navigation.state === 'loading' || revalidator.state === 'loading';

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    next.delete('cursor');
    setParams(next);
  };
  const exportUrl = `/app/communications/export?${(() => {
    const p = new URLSearchParams(params);
    p.delete('cursor');
    return p.toString();
  })()}`;
  const anyFilter = Boolean(query.status || query.type || query.channel || query.order);
  const { download, pending: exporting } = useAuthenticatedDownload();

  return (
    <Page
      title="Communications"
      subtitle="Every document sent for your orders"
      // Fetched with the session token, not navigated to: a navigation carries no token in the admin.
      primaryAction={{ content: 'Export CSV', loading: exporting !== null, onAction: () => void download(exportUrl, 'communications.csv') }}
      secondaryActions={[{ content: 'Refresh', onAction: () => revalidator.revalidate(), loading: revalidator.state === 'loading' }]}
    >
      <BlockStack gap="400">
        <Card>
          <InlineStack gap="300" wrap blockAlign="end">
            <Select label="Status" options={[{ label: 'Any', value: '' }, ...STATUSES.map((s) => ({ label: humanize(s), value: s }))]} value={query.status ?? ''} onChange={(v) => setFilter('status', v)} />
            <Select label="Type" options={[{ label: 'Any', value: '' }, ...DOCUMENT_TYPES.map((s) => ({ label: humanize(s), value: s }))]} value={query.type ?? ''} onChange={(v) => setFilter('type', v)} />
            <Select label="Channel" options={[{ label: 'Any', value: '' }, ...CHANNELS.map((s) => ({ label: humanize(s), value: s }))]} value={query.channel ?? ''} onChange={(v) => setFilter('channel', v)} />
            <div onKeyDown={(e) => e.key === 'Enter' && setFilter('order', order)}>
              <TextField label="Order" value={order} placeholder="Order id" autoComplete="off" onChange={setOrder} onBlur={() => setFilter('order', order)} />
            </div>
            {anyFilter ? (
              <Button variant="plain" onClick={() => setParams(new URLSearchParams())}>
                Clear filters
              </Button>
            ) : null}
          </InlineStack>
        </Card>
        <Card padding="0">
          {items.length === 0 ? (
            <EmptyState heading={anyFilter ? 'No communications match these filters' : 'No communications yet'} image="">
              <p>{anyFilter ? 'Try other filters.' : 'They appear here as soon as an order event arrives from Shopify.'}</p>
            </EmptyState>
          ) : (
            <IndexTable
              resourceName={{ singular: 'communication', plural: 'communications' }}
              itemCount={items.length}
              selectable={false}
              loading={loading}
              headings={[{ title: 'Date' }, { title: 'Order' }, { title: 'Document' }, { title: 'Channel' }, { title: 'Status' }, { title: 'Template' }, { title: '' }]}
            >
              {items.map((item, index) => (
                <IndexTable.Row id={item.id} key={item.id} position={index}>
                  <IndexTable.Cell>{formatDateTime(item.createdAt)}</IndexTable.Cell>
                  <IndexTable.Cell>{item.orderNumber ?? item.orderRef ?? '—'}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" fontWeight="semibold">
                      {humanize(item.documentType)}
                    </Text>
                    {item.attempt > 1 ? <Text as="span" tone="subdued">{` · attempt ${item.attempt}`}</Text> : null}
                  </IndexTable.Cell>
                  <IndexTable.Cell>{humanize(item.channel)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <span data-testid="communication-status">
                      <StatusBadge status={item.status} />
                    </span>
                    {item.lastError ? (
                      <Text as="p" tone="critical" variant="bodySm">
                        {item.lastError}
                      </Text>
                    ) : null}
                  </IndexTable.Cell>
                  <IndexTable.Cell>{item.templateVersion ? `v${item.templateVersion}` : '—'}</IndexTable.Cell>
                  <IndexTable.Cell>{RETRYABLE.has(item.status) ? <RetryButton id={item.id} status={item.status} /> : null}</IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
        {nextCursor ? (
          <InlineStack align="center">
            <Button onClick={() => setFilter('cursor', nextCursor)}>Older communications</Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </Page>
  );
}

function RetryButton({ id, status }: { id: string; status: string }) {
  const fetcher = useFetcher<RetryResult>();
  const shopify = useAppBridge();
  useEffect(() => {
    if (fetcher.data) shopify.toast.show(fetcher.data.message, { isError: !fetcher.data.ok });
  }, [fetcher.data, shopify]);
  if (fetcher.data && !fetcher.data.ok) return <Banner tone="critical">{fetcher.data.message}</Banner>;
  return (
    <Button size="slim" loading={fetcher.state !== 'idle'} disabled={fetcher.data?.ok === true} onClick={() => fetcher.submit({ communicationId: id, status }, { method: 'post' })}>
      Retry
    </Button>
  );
}
