import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { useEffect, useMemo } from 'preact/hooks';
import {
  createTimelineStore,
  describeError,
  formatCommunication,
  orderIdFromGid,
  translateLabel,
  type TCommunicationView,
  type TResendNotice,
  type TTranslate,
} from '@exstream-connect/admin-extension-kit';

/** Handle of the print action (extensions/print-documents): the block opens documents there. */
const PRINT_EXTENSION = 'print-documents';

export default async () => {
  render(<Extension />, document.body);
};

function Extension() {
  const t: TTranslate = (key, replacements) => shopify.i18n.translate(key, replacements);
  const gid = shopify.data.selected[0]?.id ?? '';
  const orderId = useMemo(() => {
    try {
      return orderIdFromGid(gid);
    } catch {
      return null;
    }
  }, [gid]);
  const store = useMemo(() => (orderId ? createTimelineStore(orderId) : null), [orderId]);

  useEffect(() => {
    void store?.reload();
    return () => store?.dispose();
  }, [store]);

  if (!store) {
    return (
      <s-admin-block heading={t('name')}>
        <s-banner tone="critical" heading={t('errors.generic')} />
      </s-admin-block>
    );
  }

  const state = store.state.value;
  const locale = t('locale');
  const now = new Date();
  const entries = state.kind === 'ready' ? state.entries : [];
  const views = entries.map((entry) => formatCommunication(entry, entries, { translate: t, locale, now }));
  const collapsedSummary = state.kind === 'ready' ? t('collapsedSummary', { count: views.length, toResend: views.filter((v) => v.needsResend).length }) : undefined;

  return (
    <s-admin-block heading={t('name')} collapsedSummary={collapsedSummary}>
      <s-stack direction="block" gap="base">
        <ResendNotice notice={store.notice.value} t={t} onDismiss={store.dismissNotice} />
        {state.kind === 'loading' && (
          <s-stack direction="inline" gap="small" alignItems="center">
            <s-spinner accessibilityLabel={t('loading')} />
            <s-text color="subdued">{t('loading')}</s-text>
          </s-stack>
        )}
        {state.kind === 'error' && <LoadError error={state.error} t={t} onRetry={() => void store.reload()} />}
        {state.kind === 'ready' && views.length === 0 && <s-text color="subdued">{t('empty')}</s-text>}
        {state.kind === 'ready' && views.length > 0 && (
          <s-table loading={state.refreshing} variant="auto">
            <s-table-header-row>
              <s-table-header listSlot="primary">{t('columns.document')}</s-table-header>
              <s-table-header listSlot="inline">{t('columns.status')}</s-table-header>
              <s-table-header listSlot="labeled">{t('columns.time')}</s-table-header>
              <s-table-header listSlot="labeled">{t('columns.actions')}</s-table-header>
            </s-table-header-row>
            <s-table-body>
              {views.map((view) => (
                <CommunicationRow
                  key={view.id}
                  view={view}
                  t={t}
                  resending={store.pendingResendId.value === view.id}
                  resendBlocked={store.pendingResendId.value !== null}
                  onResend={() => void store.resend(view.id)}
                  onOpenDocument={() => shopify.navigation.navigate(`extension:${PRINT_EXTENSION}?communicationId=${encodeURIComponent(view.id)}`)}
                />
              ))}
            </s-table-body>
          </s-table>
        )}
      </s-stack>
    </s-admin-block>
  );
}

type RowProps = {
  view: TCommunicationView;
  t: TTranslate;
  resending: boolean;
  resendBlocked: boolean;
  onResend: () => void;
  onOpenDocument: () => void;
};

function CommunicationRow({ view, t, resending, resendBlocked, onResend, onOpenDocument }: RowProps) {
  const meta = [
    view.channelLabel,
    view.templateVersion ? t('templateVersion', { version: view.templateVersion }) : null,
    view.isResend ? t('attempt', { attempt: view.attempt }) : null,
  ].filter((part): part is string => Boolean(part));
  return (
    <s-table-row>
      <s-table-cell>
        <s-stack direction="block" gap="small-400">
          <s-text type="strong">{view.documentTypeLabel}</s-text>
          {meta.length > 0 && <s-text color="subdued">{meta.join(' · ')}</s-text>}
          {view.lastError && view.tone === 'critical' && <s-text tone="critical">{view.lastError}</s-text>}
        </s-stack>
      </s-table-cell>
      <s-table-cell>
        <s-badge tone={view.tone}>{view.statusLabel}</s-badge>
      </s-table-cell>
      <s-table-cell>
        <s-stack direction="block" gap="small-400">
          <s-text>{view.relativeTime}</s-text>
          <s-text color="subdued">{view.absoluteTime}</s-text>
        </s-stack>
      </s-table-cell>
      <s-table-cell>
        <s-stack direction="inline" gap="small" alignItems="center">
          {view.hasDocument && <s-link onClick={onOpenDocument}>{t('viewDocument')}</s-link>}
          {view.needsResend && (
            <s-button variant="secondary" loading={resending} disabled={resendBlocked && !resending} onClick={onResend}>
              {t('resend')}
            </s-button>
          )}
        </s-stack>
      </s-table-cell>
    </s-table-row>
  );
}

function LoadError({ error, t, onRetry }: { error: unknown; t: TTranslate; onRetry: () => void }) {
  const { title, detail } = describeError(error, t);
  return (
    <s-banner tone="critical" heading={title}>
      {detail && <s-text>{detail}</s-text>}
      <s-button slot="secondary-actions" onClick={onRetry}>
        {t('retry')}
      </s-button>
    </s-banner>
  );
}

function ResendNotice({ notice, t, onDismiss }: { notice: TResendNotice | null; t: TTranslate; onDismiss: () => void }) {
  if (!notice) return null;
  if (notice.kind === 'resent') {
    const document = notice.documentType ? translateLabel('documentType', notice.documentType, t) : t('columns.document');
    return <s-banner tone="success" dismissible heading={t('resendQueued', { document })} onDismiss={onDismiss} />;
  }
  const { title, detail } = describeError(notice.error, t);
  return (
    <s-banner tone="critical" dismissible heading={title} onDismiss={onDismiss}>
      {detail && <s-text>{detail}</s-text>}
    </s-banner>
  );
}
