import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  communicationIdFromLaunchUrl,
  createTimelineStore,
  describeError,
  formatCommunication,
  orderIdFromGid,
  pickCommunication,
  translateLabel,
  type TCommunicationView,
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
  const [chosen, setChosen] = useState<string | null>(null);

  useEffect(() => {
    void store?.reload();
    return () => store?.dispose();
  }, [store]);

  const close = () => shopify.close();
  const state = store?.state.value ?? { kind: 'error' as const, error: null };
  const notice = store?.notice.value ?? null;
  const pending = store?.pendingResendId.value ?? null;
  const locale = t('locale');
  const now = new Date();
  const entries = state.kind === 'ready' ? state.entries : [];
  const views = entries.map((entry) => formatCommunication(entry, entries, { translate: t, locale, now }));
  const selected = chosen ?? pickCommunication(views, launchCommunicationId());
  const selectedView = views.find((v) => v.id === selected);
  const done = notice?.kind === 'resent';

  return (
    <s-admin-action heading={t('name')} loading={state.kind === 'loading'}>
      {done ? (
        <s-button slot="primary-action" variant="primary" onClick={close}>
          {t('close')}
        </s-button>
      ) : (
        <s-button
          slot="primary-action"
          variant="primary"
          loading={pending !== null}
          disabled={!selectedView?.resendable || pending !== null}
          onClick={() => selected && void store?.resend(selected)}
        >
          {t('submit')}
        </s-button>
      )}
      <s-button slot="secondary-actions" onClick={close}>
        {t(done ? 'close' : 'cancel')}
      </s-button>

      <s-stack direction="block" gap="base">
        {notice?.kind === 'resent' && (
          <s-banner
            tone="success"
            heading={t('resendQueued', { document: notice.documentType ? translateLabel('documentType', notice.documentType, t) : selectedView?.documentTypeLabel ?? '' })}
          />
        )}
        {notice?.kind === 'resendFailed' && <ErrorBanner error={notice.error} t={t} />}
        {state.kind === 'error' && <ErrorBanner error={state.error} t={t} onRetry={store ? () => void store.reload() : undefined} />}
        {state.kind === 'ready' && views.length === 0 && <s-text color="subdued">{t('empty')}</s-text>}
        {state.kind === 'ready' && views.length > 0 && !done && (
          <s-choice-list label={t('choose')} name="communication" onChange={(event) => setChosen(event.currentTarget.values[0] ?? null)}>
            {views.map((view) => (
              <CommunicationChoice key={view.id} view={view} selected={view.id === selected} t={t} />
            ))}
          </s-choice-list>
        )}
      </s-stack>
    </s-admin-action>
  );
}

function CommunicationChoice({ view, selected, t }: { view: TCommunicationView; selected: boolean; t: TTranslate }) {
  const details = view.resendable ? t('updated', { time: `${view.relativeTime} (${view.absoluteTime})` }) : t('notResendable', { status: view.statusLabel });
  return (
    <s-choice value={view.id} selected={selected} disabled={!view.resendable}>
      {view.summary}
      <s-text slot="details">{details}</s-text>
    </s-choice>
  );
}

function ErrorBanner({ error, t, onRetry }: { error: unknown; t: TTranslate; onRetry?: (() => void) | undefined }) {
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
