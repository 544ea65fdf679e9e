import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  communicationIdFromLaunchUrl,
  ALL_DOCUMENTS,
  createTimelineStore,
  describeError,
  formatCommunication,
  orderIdFromGid,
  resolvePrintSource,
  type TTranslate,
} from '@exstream-connect/admin-extension-kit';

export default async () => {
  render(<Extension />, document.body);
};

/** `?communicationId=` when the order-timeline block opened this action on one communication. */
const launchCommunicationId = (): string | null => communicationIdFromLaunchUrl(shopify.intents?.launchUrl);

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
  const [choice, setChoice] = useState<string | null>(launchCommunicationId);

  useEffect(() => {
    void store?.reload();
    return () => store?.dispose();
  }, [store]);

  const state = store?.state.value ?? { kind: 'error' as const, error: null };
  const locale = t('locale');
  const now = new Date();
  const entries = state.kind === 'ready' ? state.entries : [];
  const documents = entries.filter((entry) => entry.hasDocument).map((entry) => formatCommunication(entry, entries, { translate: t, locale, now }));
  const { choice: current, src } = orderId
    ? resolvePrintSource({ orderId, documentIds: documents.map((d) => d.id), choice })
    : { choice: null, src: undefined };

  return (
    <s-admin-print-action src={src}>
      <s-stack direction="block" gap="base">
        {state.kind === 'loading' && (
          <s-stack direction="inline" gap="small" alignItems="center">
            <s-spinner accessibilityLabel={t('loading')} />
            <s-text color="subdued">{t('loading')}</s-text>
          </s-stack>
        )}
        {state.kind === 'error' && <LoadError error={state.error} t={t} onRetry={store ? () => void store.reload() : undefined} />}
        {state.kind === 'ready' && documents.length === 0 && <s-text color="subdued">{t('empty')}</s-text>}
        {state.kind === 'ready' && documents.length === 1 && <s-text type="strong">{documents[0]!.summary}</s-text>}
        {state.kind === 'ready' && documents.length > 1 && (
          <s-select label={t('choose')} value={current ?? ALL_DOCUMENTS} onChange={(event) => setChoice(event.currentTarget.value)}>
            <s-option value={ALL_DOCUMENTS}>{t('all', { count: documents.length })}</s-option>
            {documents.map((doc) => (
              <s-option key={doc.id} value={doc.id}>
                {`${doc.summary} · ${doc.absoluteTime}`}
              </s-option>
            ))}
          </s-select>
        )}
      </s-stack>
    </s-admin-print-action>
  );
}

function LoadError({ error, t, onRetry }: { error: unknown; t: TTranslate; onRetry?: (() => void) | undefined }) {
  const { title, detail } = describeError(error, t);
  return (
    <s-banner tone="critical" heading={title}>
      {detail && <s-text>{detail}</s-text>}
      {onRetry && (
        <s-button slot="secondary-actions" onClick={onRetry}>
          {t('retry')}
        </s-button>
      )}
    </s-banner>
  );
}
