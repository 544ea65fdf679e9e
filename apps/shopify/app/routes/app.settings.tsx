import { useEffect, useState } from 'react';
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useFetcher, useLoaderData } from '@remix-run/react';
import { useAppBridge } from '@shopify/app-bridge-react';
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineError,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Select,
  Text,
  TextField,
} from '@shopify/polaris';
import { CHANNELS, COMMERCE_EVENT_KINDS, DOCUMENT_TYPES } from '@exstream-connect/core';
import { requireAdmin } from '../lib/require-admin.server.ts';
import { asConnectError } from '../lib/error-response.server.ts';
import { readForm } from '../lib/read-form.server.ts';
import { campaignsFromForm, connectionFromForm, previewSampleFromForm, replenishmentFromForm, rulesFromForm, statementsFromForm, togglesFromForm } from '../lib/settings-form.server.ts';
import { expectedAccountsOf, progressOfRun, toRunRows, type StatementRunRow } from '../lib/statement-run-progress.ts';
import type { loader as runsLoader } from './app.statement-runs.tsx';
import type { SettingsView } from '@exstream-connect/engine';
import { PREVIEW_TOPICS } from '../lib/sample-order-payload.ts';
import { humanize } from '../lib/status-badge.tsx';
import { runtime } from '../runtime.server.ts';

type Issue = { path: string; message: string };
type ActionResult =
  | {
      intent: string;
      ok: true;
      message: string;
      preview?: { winner?: unknown; reason: string; candidates: unknown[] };
      test?: { ok: boolean; version?: string; error?: string; latencyMs: number };
      run?: StatementRunRow;
    }
  | { intent: string; ok: false; message: string; issues: Issue[]; error?: { code: string; message: string } };

export async function loader({ request }: LoaderFunctionArgs) {
  const { store } = await requireAdmin(request);
  const { engine } = runtime();
  const [settings, runs] = await Promise.all([engine.settings.get(store), engine.statements.runs(store)]);
  return json({ settings, runs: toRunRows(runs) });
}

// Every case of the action's switch below (named in the answer to an unknown or missing intent).
const SETTINGS_INTENTS = ['connection', 'test-connection', 'rules', 'toggles', 'campaigns', 'replenishment', 'statements', 'run-statements', 'preview'];

export async function action({ request }: ActionFunctionArgs) {
  const { store } = await requireAdmin(request);
  const { engine } = runtime();
  const read = await readForm(request);
  if (!read.ok) return json<ActionResult>({ intent: '', ok: false, message: read.message, issues: [], error: { code: read.code, message: read.message } }, { status: read.status });
  const { form } = read;
  // Echoed in every answer: capped, so a huge form field is never reflected back whole.
  const intent = String(form.get('intent') ?? '').slice(0, 100);
  try {
    switch (intent) {
      case 'connection':
        await engine.settings.update(store, connectionFromForm(form));
        return json<ActionResult>({ intent, ok: true, message: 'Exstream connection saved' });
      case 'test-connection': {
        const test = await engine.settings.testConnection(store);
        return json<ActionResult>({ intent, ok: test.ok, message: test.ok ? `Connected in ${test.latencyMs} ms` : `Connection failed: ${test.error ?? 'unknown error'}`, test, ...(test.ok ? {} : { issues: [] }) } as ActionResult);
      }
      case 'rules':
        await engine.settings.update(store, rulesFromForm(form));
        return json<ActionResult>({ intent, ok: true, message: 'Template rules saved' });
      case 'toggles':
        await engine.settings.update(store, togglesFromForm(form));
        return json<ActionResult>({ intent, ok: true, message: 'Preferences saved' });
      case 'campaigns':
        await engine.settings.update(store, campaignsFromForm(form));
        return json<ActionResult>({ intent, ok: true, message: 'Campaign reminder settings saved' });
      case 'replenishment':
        await engine.settings.update(store, replenishmentFromForm(form));
        return json<ActionResult>({ intent, ok: true, message: 'Replenishment reminder settings saved' });
      case 'statements':
        await engine.settings.update(store, statementsFromForm(form));
        return json<ActionResult>({ intent, ok: true, message: 'Statement settings saved' });
      case 'run-statements': {
        // Queued for the worker (a run streams every account): the page follows it through its progress.
        const { run, started } = await engine.statements.startRun(store);
        const [row] = toRunRows([run]);
        const period = `${run.periodStart} – ${run.periodEnd}`;
        return json<ActionResult>({ intent, ok: true, message: started ? `Statement run started for ${period}` : `A run for ${period} is already in progress`, run: row! });
      }
      case 'preview': {
        const preview = await engine.settings.previewRule(store, previewSampleFromForm(form));
        return json<ActionResult>({ intent, ok: true, message: 'Preview ready', preview });
      }
      default:
        return json<ActionResult>(
          { intent, ok: false, message: `Unknown action: intent must be one of ${SETTINGS_INTENTS.join(', ')}`, issues: [{ path: 'intent', message: intent ? 'unknown action' : 'required' }] },
          { status: 400 },
        );
    }
  } catch (error) {
    const connect = asConnectError(error);
    if (!connect || connect.httpStatus >= 500) throw error;
    return json<ActionResult>({ intent, ok: false, message: connect.userMessage, issues: connect.issues }, { status: connect.httpStatus });
  }
}

const options = (values: readonly string[]) => values.map((value) => ({ label: humanize(value), value }));
const EVENT_OPTIONS = options(COMMERCE_EVENT_KINDS);
const DOCUMENT_OPTIONS = options(DOCUMENT_TYPES);
const CHANNEL_OPTIONS = options(CHANNELS);

type EngineRule = SettingsView['rules'][number];
/**
 * What the rules editor holds: the engine's rule with the <Select> fields widened to the strings a
 * Select yields (the engine validates them on save and names any bad one), and the fields the
 * editor does not show optional, so a new row needs none (an existing row keeps its values).
 */
type RuleView = Omit<EngineRule, 'eventKind' | 'documentType' | 'channel' | 'productType' | 'skuPrefix' | 'serviceName'> &
  Partial<Pick<EngineRule, 'productType' | 'skuPrefix' | 'serviceName'>> & { eventKind: string; documentType: string; channel: string };
type EditableRule = Omit<RuleView, 'id'> & { id?: string; key: string };

let nextKey = 0;
const toEditable = (rule: RuleView): EditableRule => ({ ...rule, key: `r${nextKey++}` });
const blankRule = (): EditableRule => ({
  key: `r${nextKey++}`,
  eventKind: 'order.placed',
  documentType: 'order_confirmation',
  brand: null,
  locale: null,
  channel: 'email',
  fallbackChannels: [],
  country: null,
  tag: null,
  communicationId: null,
  templateVersion: '1',
  priority: 0,
  enabled: true,
});

/** Sends the rows in the engine's rule shape (key is a UI-only handle). */
function toInput(rule: EditableRule) {
  const { key: _key, ...rest } = rule;
  return { ...rest, ...(rule.id ? { id: rule.id } : {}) };
}

function useToast(data: ActionResult | undefined) {
  const shopify = useAppBridge();
  useEffect(() => {
    if (data) shopify.toast.show(data.message, { isError: !data.ok });
  }, [data, shopify]);
}

function issueFor(data: ActionResult | undefined, path: string): string | undefined {
  if (!data || data.ok) return undefined;
  return data.issues.find((issue) => issue.path === path || issue.path.endsWith(`.${path}`))?.message;
}

export default function Settings() {
  const { settings, runs } = useLoaderData<typeof loader>();
  return (
    <Page title="Settings">
      <Layout>
        <Layout.AnnotatedSection title="Exstream connection" description="Where documents are produced. The client secret is write-only: leave it blank to keep the stored one.">
          <ConnectionCard connection={settings.connection} />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Template rules" description="Which Exstream template renders which document, by event, brand, locale and channel. The most specific enabled rule wins; priority breaks ties.">
          <RulesCard initial={settings.rules} />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Which rule wins?" description="Try a sample order against the saved rules.">
          <PreviewCard />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Behaviour" description="Dry run records what would be sent without calling Exstream.">
          <TogglesCard dryRun={settings.dryRun} tagOnFailure={settings.writeBack.tagOnFailure} />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Campaign reminders"
          description="Abandoned-cart and replenishment reminders: each sent to Exstream on demand as it happens, or collected per time window and sent as one Exstream batch job."
        >
          <CampaignsCard campaigns={settings.campaigns} hasBatchService={Boolean(settings.connection?.serviceNames.campaigns || settings.connection?.serviceNames.batch)} />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Replenishment reminders"
          description="Reminders to reorder, computed from the store's own orders: a line whose SKU starts with an interval's prefix is due again that many days after its order (the longest matching prefix wins). Customers who reordered one of those SKUs since, or who gave no marketing consent, are not reminded."
        >
          <ReplenishmentCard replenishment={settings.replenishment} />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Statements"
          description="Period-close account statements for B2B customers: one per company account each month, produced as one Exstream batch. Needs a statements (or batch) service name in the connection and a rule for Statement period closed → Account statement."
        >
          <StatementsCard statements={settings.statements} timezone={settings.defaults.timezone} />
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Statement runs" description="Each period's run, scheduled at its close or started here, and how far it got.">
          <StatementRunsCard initialRuns={runs} />
        </Layout.AnnotatedSection>
      </Layout>
    </Page>
  );
}

function ConnectionCard({ connection }: { connection: ReturnType<typeof useLoaderData<typeof loader>>['settings']['connection'] }) {
  const save = useFetcher<ActionResult>();
  const test = useFetcher<ActionResult>();
  useToast(save.data);
  useToast(test.data);
  const [values, setValues] = useState({
    baseUrl: connection?.baseUrl ?? '',
    domain: connection?.domain ?? '',
    tokenUrl: connection?.tokenUrl ?? '',
    clientId: connection?.clientId ?? '',
    clientSecret: '',
    onDemandService: connection?.serviceNames.onDemand ?? '',
    batchService: connection?.serviceNames.batch ?? '',
    statementsService: connection?.serviceNames.statements ?? '',
    campaignsService: connection?.serviceNames.campaigns ?? '',
    defaultCommunicationId: connection?.defaultCommunicationId ?? '',
  });
  const SERVICE_FIELDS: Partial<Record<keyof typeof values, string>> = { onDemandService: 'onDemand', batchService: 'batch', statementsService: 'statements', campaignsService: 'campaigns' };
  const errorOf = (name: keyof typeof values) => issueFor(save.data, `connection.${SERVICE_FIELDS[name] ? `serviceNames.${SERVICE_FIELDS[name]}` : name}`);
  const field = (name: keyof typeof values, label: string, extra: Record<string, unknown> = {}) => (
    <TextField
      label={label}
      name={name}
      value={values[name]}
      onChange={(value) => setValues((v) => ({ ...v, [name]: value }))}
      autoComplete="off"
      error={errorOf(name)}
      {...extra}
    />
  );
  return (
    <Card>
      <save.Form method="post">
        <input type="hidden" name="intent" value="connection" />
        <FormLayout>
          {field('baseUrl', 'Exstream base URL', { placeholder: 'https://exstream.example.com' })}
          <FormLayout.Group>
            {field('domain', 'Tenant domain')}
            {field('tokenUrl', 'Token URL')}
          </FormLayout.Group>
          <FormLayout.Group>
            {field('clientId', 'Client ID')}
            {field('clientSecret', 'Client secret', {
              type: 'password',
              placeholder: connection?.hasClientSecret ? '•••••••• (stored)' : 'Not set',
              helpText: connection?.hasClientSecret ? 'A secret is stored. Type a new one to replace it.' : undefined,
            })}
          </FormLayout.Group>
          <FormLayout.Group>
            {field('onDemandService', 'On-demand service name')}
            {field('defaultCommunicationId', 'Default communication')}
          </FormLayout.Group>
          <FormLayout.Group>
            {field('batchService', 'Batch service name')}
            {field('statementsService', 'Statements service name', { helpText: 'Batch service for account statements; the batch service is used when blank.' })}
            {field('campaignsService', 'Campaign batch service', { helpText: 'Batch service for batched campaign reminders; the batch service is used when blank.' })}
          </FormLayout.Group>
          {save.data && !save.data.ok ? <Banner tone="critical" title={save.data.message} /> : null}
          {test.data ? (
            <Banner tone={test.data.ok ? 'success' : 'critical'} title={test.data.message}>
              {test.data.ok && 'test' in test.data && test.data.test?.version ? <p>Exstream version {test.data.test.version}</p> : null}
            </Banner>
          ) : null}
          <InlineStack gap="200">
            <Button submit variant="primary" loading={save.state !== 'idle'}>
              Save connection
            </Button>
            <Button loading={test.state !== 'idle'} disabled={!connection} onClick={() => test.submit({ intent: 'test-connection' }, { method: 'post' })}>
              Test connection
            </Button>
          </InlineStack>
        </FormLayout>
      </save.Form>
    </Card>
  );
}

function RulesCard({ initial }: { initial: RuleView[] }) {
  const fetcher = useFetcher<ActionResult>();
  useToast(fetcher.data);
  const [rules, setRules] = useState<EditableRule[]>(() => initial.map(toEditable));
  useEffect(() => setRules(initial.map(toEditable)), [initial]);
  const update = (key: string, patch: Partial<EditableRule>) => setRules((rows) => rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const save = () => fetcher.submit({ intent: 'rules', rules: JSON.stringify(rules.map(toInput)) }, { method: 'post' });
  const rowError = (index: number, name: string) => issueFor(fetcher.data, `rules.${index}.${name}`);

  return (
    <Card>
      <BlockStack gap="400">
        {rules.length === 0 ? (
          <Text as="p" tone="subdued">
            No template rules yet: each event uses the default communication. Add a rule to pick a template by brand, locale or channel.
          </Text>
        ) : null}
        {rules.map((rule, index) => (
          <div key={rule.key} data-testid="rule-row">
            <BlockStack gap="200">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h3" variant="headingSm">
                  Rule {index + 1} {rule.enabled ? null : <Badge>Disabled</Badge>}
                </Text>
                <Button variant="plain" tone="critical" onClick={() => setRules((rows) => rows.filter((row) => row.key !== rule.key))}>
                  Remove
                </Button>
              </InlineStack>
              <FormLayout>
                <FormLayout.Group condensed>
                  <Select label="Event" options={EVENT_OPTIONS} value={rule.eventKind} onChange={(value) => update(rule.key, { eventKind: value })} error={rowError(index, 'eventKind')} />
                  <Select label="Document" options={DOCUMENT_OPTIONS} value={rule.documentType} onChange={(value) => update(rule.key, { documentType: value })} error={rowError(index, 'documentType')} />
                  <Select label="Channel" options={CHANNEL_OPTIONS} value={rule.channel} onChange={(value) => update(rule.key, { channel: value })} error={rowError(index, 'channel')} />
                </FormLayout.Group>
                <FormLayout.Group condensed>
                  <TextField label="Brand" value={rule.brand ?? ''} placeholder="Any" autoComplete="off" onChange={(value) => update(rule.key, { brand: value.trim() || null })} error={rowError(index, 'brand')} />
                  <TextField label="Locale" value={rule.locale ?? ''} placeholder="Any (e.g. fr or fr-CA)" autoComplete="off" onChange={(value) => update(rule.key, { locale: value.trim() || null })} error={rowError(index, 'locale')} />
                  <TextField label="Communication" value={rule.communicationId ?? ''} placeholder="Default" autoComplete="off" onChange={(value) => update(rule.key, { communicationId: value.trim() || null })} error={rowError(index, 'communicationId')} />
                </FormLayout.Group>
                <FormLayout.Group condensed>
                  <TextField label="Template version" value={rule.templateVersion} autoComplete="off" onChange={(value) => update(rule.key, { templateVersion: value })} error={rowError(index, 'templateVersion')} />
                  <TextField label="Priority" type="number" value={String(rule.priority)} autoComplete="off" onChange={(value) => update(rule.key, { priority: Number(value) })} error={rowError(index, 'priority')} />
                  <Checkbox label="Enabled" checked={rule.enabled} onChange={(checked) => update(rule.key, { enabled: checked })} />
                </FormLayout.Group>
              </FormLayout>
            </BlockStack>
          </div>
        ))}
        {fetcher.data && !fetcher.data.ok ? <Banner tone="critical" title={fetcher.data.message} /> : null}
        <InlineStack gap="200">
          <Button onClick={() => setRules((rows) => [...rows, blankRule()])}>Add rule</Button>
          <Button variant="primary" onClick={save} loading={fetcher.state !== 'idle'}>
            Save rules
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

const TOPIC_OPTIONS = PREVIEW_TOPICS.map((topic) => ({ label: topic, value: topic }));

function PreviewCard() {
  const fetcher = useFetcher<ActionResult>();
  const [sample, setSample] = useState({ topic: 'orders/create', locale: 'en', country: '', tags: '', sku: '' });
  const preview = fetcher.data?.ok ? fetcher.data.preview : undefined;
  const winner = preview?.winner as Partial<RuleView> | null | undefined;
  const set = (name: keyof typeof sample) => (value: string) => setSample((s) => ({ ...s, [name]: value }));
  return (
    <Card>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="preview" />
        <FormLayout>
          <FormLayout.Group condensed>
            <Select label="Sample webhook" name="topic" options={TOPIC_OPTIONS} value={sample.topic} onChange={set('topic')} />
            <TextField label="Customer locale" name="locale" value={sample.locale} autoComplete="off" onChange={set('locale')} />
            <TextField label="Country" name="country" value={sample.country} placeholder="FR" autoComplete="off" onChange={set('country')} error={issueFor(fetcher.data, 'country')} />
          </FormLayout.Group>
          <FormLayout.Group condensed>
            <TextField label="Order tags" name="tags" value={sample.tags} placeholder="vip, wholesale" autoComplete="off" onChange={set('tags')} />
            <TextField label="SKU" name="sku" value={sample.sku} autoComplete="off" onChange={set('sku')} />
          </FormLayout.Group>
          <Button submit loading={fetcher.state !== 'idle'}>
            Preview
          </Button>
          {fetcher.data && !fetcher.data.ok && fetcher.data.intent === 'preview' ? <Banner tone="critical" title={fetcher.data.message} /> : null}
          {preview ? (
            <Banner tone={winner ? 'success' : 'warning'} title={winner ? `Winner: ${humanize(String(winner.documentType ?? 'rule'))} via ${winner.channel ?? '?'}` : 'No rule matches'}>
              <p data-testid="preview-reason">{preview.reason}</p>
              {winner ? (
                <p>
                  Brand {winner.brand ?? 'any'} · locale {winner.locale ?? 'any'} · template v{winner.templateVersion ?? '1'}
                  {winner.communicationId ? ` · ${winner.communicationId}` : ''}
                </p>
              ) : null}
              <p>{preview.candidates.length} candidate plan(s) considered.</p>
            </Banner>
          ) : null}
        </FormLayout>
      </fetcher.Form>
    </Card>
  );
}

function TogglesCard({ dryRun, tagOnFailure }: { dryRun: boolean; tagOnFailure: boolean }) {
  const fetcher = useFetcher<ActionResult>();
  useToast(fetcher.data);
  const [values, setValues] = useState({ dryRun, tagOnFailure });
  return (
    <Card>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="toggles" />
        <FormLayout>
          <Checkbox label="Dry run (plan and record, send nothing)" checked={values.dryRun} onChange={(checked) => setValues((v) => ({ ...v, dryRun: checked }))} />
          <Checkbox
            label={'Tag orders "exstream-failed" when a communication fails'}
            checked={values.tagOnFailure}
            onChange={(checked) => setValues((v) => ({ ...v, tagOnFailure: checked }))}
          />
          {values.dryRun ? <input type="hidden" name="dryRun" value="on" /> : null}
          {values.tagOnFailure ? <input type="hidden" name="tagOnFailure" value="on" /> : null}
          <Button submit loading={fetcher.state !== 'idle'}>
            Save
          </Button>
        </FormLayout>
      </fetcher.Form>
    </Card>
  );
}

type CampaignSettingsView = ReturnType<typeof useLoaderData<typeof loader>>['settings']['campaigns'];

/** The engine's longest window (MAX_CAMPAIGN_WINDOW_SECONDS): the engine is server-only, so it is repeated here to bound the input. */
const MAX_CAMPAIGN_WINDOW_SECONDS = 86_400;

function CampaignsCard({ campaigns, hasBatchService }: { campaigns: CampaignSettingsView; hasBatchService: boolean }) {
  const save = useFetcher<ActionResult>();
  useToast(save.data);
  const [values, setValues] = useState({ batch: campaigns.batch, windowSeconds: String(campaigns.windowSeconds) });
  return (
    <Card>
      <save.Form method="post">
        <input type="hidden" name="intent" value="campaigns" />
        {values.batch ? <input type="hidden" name="batch" value="on" /> : null}
        <FormLayout>
          {campaigns.batch && !hasBatchService ? (
            // The connection was saved without its batch service after batching was turned on: the
            // engine then sends waiting reminders one by one rather than losing them.
            <Banner tone="warning" title="No batch service: reminders are sent one by one">
              Set the campaign batch service (or the batch service) in the Exstream connection to send them in batches again.
            </Banner>
          ) : null}
          <Checkbox
            label="Send abandoned-cart and replenishment reminders in batches"
            checked={values.batch}
            onChange={(checked) => setValues((v) => ({ ...v, batch: checked }))}
            error={issueFor(save.data, 'campaigns.batch')}
          />
          <TextField
            label="Batch window (seconds)"
            name="windowSeconds"
            type="number"
            min={1}
            max={MAX_CAMPAIGN_WINDOW_SECONDS}
            value={values.windowSeconds}
            onChange={(value) => setValues((v) => ({ ...v, windowSeconds: value }))}
            autoComplete="off"
            helpText="The first reminder of a window waits this long for others, then all of them go to Exstream as one batch job. Needs a batch service: the campaign batch service of the connection, or its batch service."
            error={issueFor(save.data, 'campaigns.windowSeconds')}
          />
          {save.data && !save.data.ok ? <Banner tone="critical" title={save.data.message} /> : null}
          <Button submit variant="primary" loading={save.state !== 'idle'}>
            Save campaign reminders
          </Button>
        </FormLayout>
      </save.Form>
    </Card>
  );
}

type ReplenishmentSettingsView = ReturnType<typeof useLoaderData<typeof loader>>['settings']['replenishment'];

/** The engine's bounds (settings-schema.ts, server-only): repeated here to bound the inputs. */
const MAX_REPLENISHMENT_INTERVALS = 50;
const MAX_REPLENISHMENT_DAYS = 730;

/** A row as typed: the day count stays text until the action, so whatever was typed reaches the engine. */
type IntervalRow = { key: string; skuPrefix: string; days: string };
const intervalRow = (skuPrefix = '', days = ''): IntervalRow => ({ key: `i${nextKey++}`, skuPrefix, days });
const isBlankRow = (row: IntervalRow) => row.skuPrefix.trim() === '' && row.days.trim() === '';

function ReplenishmentCard({ replenishment }: { replenishment: ReplenishmentSettingsView }) {
  const save = useFetcher<ActionResult>();
  useToast(save.data);
  const [enabled, setEnabled] = useState(replenishment.enabled);
  const [rows, setRows] = useState<IntervalRow[]>(() => replenishment.intervals.map((i) => intervalRow(i.skuPrefix, String(i.days))));
  const update = (key: string, patch: Partial<IntervalRow>) => setRows((all) => all.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const posted = rows.filter((row) => !isBlankRow(row));
  // The engine names rows by their index in the list posted: blank rows leave the editor on submit
  // too, so those indices are the editor's.
  const rowError = (index: number, name: string) => issueFor(save.data, `replenishment.intervals.${index}.${name}`);
  const listError = save.data && !save.data.ok ? save.data.issues.find((issue) => issue.path === 'replenishment.intervals')?.message : undefined;
  const full = rows.length >= MAX_REPLENISHMENT_INTERVALS;
  return (
    <Card>
      {/* noValidate: the browser would block a day count out of 1–730 with its own bubble; the engine's
          answer names the row and shows under its field, like every other refusal on this page. */}
      <save.Form method="post" noValidate onSubmit={() => setRows(posted)}>
        <input type="hidden" name="intent" value="replenishment" />
        {enabled ? <input type="hidden" name="enabled" value="on" /> : null}
        <input type="hidden" name="intervals" value={JSON.stringify(posted.map(({ skuPrefix, days }) => ({ skuPrefix, days })))} />
        <FormLayout>
          <Checkbox
            label="Remind customers to reorder"
            helpText={`Requires a template rule for replenishment reminders: each reminder uses the store's rule for "replenishment.due" (Replenishment reminder document). Batched when campaign reminders are.`}
            checked={enabled}
            onChange={setEnabled}
            error={issueFor(save.data, 'replenishment.enabled')}
          />
          {rows.length === 0 ? (
            <Text as="p" tone="subdued">
              No intervals yet: no order line is reminded. Add one per product family, e.g. SKU prefix VIT- due again after 30 days.
            </Text>
          ) : null}
          {rows.map((row, index) => (
            <div key={row.key} data-testid="replenishment-row">
              <FormLayout.Group condensed>
                <TextField
                  label="SKU prefix"
                  value={row.skuPrefix}
                  placeholder="VIT-"
                  maxLength={100}
                  autoComplete="off"
                  onChange={(value) => update(row.key, { skuPrefix: value })}
                  error={rowError(index, 'skuPrefix')}
                />
                <TextField
                  label="Days after the order"
                  type="number"
                  min={1}
                  max={MAX_REPLENISHMENT_DAYS}
                  value={row.days}
                  autoComplete="off"
                  onChange={(value) => update(row.key, { days: value })}
                  error={rowError(index, 'days')}
                  connectedRight={
                    <Button tone="critical" accessibilityLabel={`Remove interval ${index + 1}`} onClick={() => setRows((all) => all.filter((r) => r.key !== row.key))}>
                      Remove
                    </Button>
                  }
                />
              </FormLayout.Group>
            </div>
          ))}
          {listError ? <InlineError message={listError} fieldID="replenishment-intervals" /> : null}
          {save.data && !save.data.ok ? <Banner tone="critical" title={save.data.message} /> : null}
          <InlineStack gap="200" blockAlign="center">
            <Button disabled={full} onClick={() => setRows((all) => [...all, intervalRow()])}>
              Add interval
            </Button>
            {full ? (
              <Text as="span" tone="subdued">
                At most {MAX_REPLENISHMENT_INTERVALS} intervals.
              </Text>
            ) : null}
            <Button submit variant="primary" loading={save.state !== 'idle'}>
              Save replenishment reminders
            </Button>
          </InlineStack>
        </FormLayout>
      </save.Form>
    </Card>
  );
}

type StatementSettingsView = ReturnType<typeof useLoaderData<typeof loader>>['settings']['statements'];

const CLOSE_DAY_OPTIONS = [
  { label: 'Last day of the month', value: 'last' },
  ...Array.from({ length: 28 }, (_, i) => ({ label: `Day ${i + 1} of the month`, value: String(i + 1) })),
];
const ACCOUNT_OPTIONS = [
  { label: 'Companies (B2B orders placed for a company)', value: 'company' },
  { label: 'Customers whose billing address names a company', value: 'billing_company' },
];

function StatementsCard({ statements, timezone }: { statements: StatementSettingsView; timezone: string }) {
  const save = useFetcher<ActionResult>();
  useToast(save.data);
  const pay = statements.paymentInstructions;
  const [values, setValues] = useState({
    enabled: statements.enabled,
    closeDay: String(statements.closeDay),
    dueDays: String(statements.dueDays),
    accounts: statements.accounts as string,
    paymentInstructions: pay?.instructions ?? '',
    paymentReference: pay?.reference ?? '',
    payUrl: pay?.payUrl ?? '',
    iban: pay?.iban ?? '',
    bic: pay?.bic ?? '',
    bankName: pay?.bankName ?? '',
    accountHolder: pay?.accountHolder ?? '',
  });
  const set = (name: keyof typeof values) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const error = (path: string) => issueFor(save.data, `statements.${path}`);
  const text = (name: Exclude<keyof typeof values, 'enabled'>, label: string, path: string, extra: Record<string, unknown> = {}) => (
    <TextField label={label} name={name} value={values[name]} onChange={set(name)} autoComplete="off" error={error(path)} {...extra} />
  );
  return (
    <Card>
      <save.Form method="post">
        <input type="hidden" name="intent" value="statements" />
        {values.enabled ? <input type="hidden" name="enabled" value="on" /> : null}
        <FormLayout>
          <Checkbox
            label="Send period-close statements"
            helpText={`Periods close at midnight after the close day, ${timezone} time.`}
            checked={values.enabled}
            onChange={(checked) => setValues((v) => ({ ...v, enabled: checked }))}
          />
          <FormLayout.Group condensed>
            <Select label="Period closes on" name="closeDay" options={CLOSE_DAY_OPTIONS} value={values.closeDay} onChange={set('closeDay')} error={error('closeDay')} />
            {text('dueDays', 'Payment due (days after the close)', 'dueDays', { type: 'number', min: 0, max: 365 })}
          </FormLayout.Group>
          <Select label="Statement accounts" name="accounts" options={ACCOUNT_OPTIONS} value={values.accounts} onChange={set('accounts')} error={error('accounts')} />
          {text('paymentInstructions', 'Payment instructions', 'paymentInstructions.instructions', {
            multiline: 3,
            placeholder: 'Please pay by bank transfer within 30 days, quoting your account number.',
            helpText: 'Printed on every statement. Leave every payment field blank to print none.',
          })}
          <FormLayout.Group condensed>
            {text('paymentReference', 'Payment reference', 'paymentInstructions.reference', { placeholder: 'The account (default)' })}
            {text('payUrl', 'Pay online URL', 'paymentInstructions.payUrl', { type: 'url', placeholder: 'https://pay.example.com/statements' })}
          </FormLayout.Group>
          <FormLayout.Group condensed>
            {text('iban', 'IBAN', 'paymentInstructions.iban', { placeholder: 'DE89 3704 0044 0532 0130 00' })}
            {text('bic', 'BIC', 'paymentInstructions.bic')}
          </FormLayout.Group>
          <FormLayout.Group condensed>
            {text('bankName', 'Bank name', 'paymentInstructions.bankName')}
            {text('accountHolder', 'Account holder', 'paymentInstructions.accountHolder')}
          </FormLayout.Group>
          {save.data && !save.data.ok ? <Banner tone="critical" title={save.data.message} /> : null}
          <Button submit variant="primary" loading={save.state !== 'idle'}>
            Save statements
          </Button>
        </FormLayout>
      </save.Form>
    </Card>
  );
}

const RUN_BADGE: Record<string, 'success' | 'critical' | 'info' | 'attention' | undefined> = {
  sent: 'success',
  no_accounts: 'success',
  failed: 'critical',
  cancelled: 'critical',
  retrying: 'attention',
  queued: 'info',
  running: 'info',
  streaming: 'info',
  rendering: 'info',
};
/** How often a page with a run in progress asks for its progress. */
const RUNS_POLL_MS = 1_500;

function StatementRunsCard({ initialRuns }: { initialRuns: StatementRunRow[] }) {
  const start = useFetcher<ActionResult>();
  const poll = useFetcher<typeof runsLoader>();
  useToast(start.data);
  // Whichever arrived last: the page loader (revalidated after an action) or the progress poll.
  const [runs, setRuns] = useState(initialRuns);
  useEffect(() => setRuns(initialRuns), [initialRuns]);
  useEffect(() => {
    if (poll.data) setRuns(poll.data.runs);
  }, [poll.data]);
  const live = runs.some((run) => progressOfRun(run).live) || (start.data?.ok === true && start.data.run !== undefined && progressOfRun(start.data.run).live);
  const { load } = poll;
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => load('/app/statement-runs'), RUNS_POLL_MS);
    return () => clearInterval(timer);
  }, [live, load]);
  const newestFirst = runs.map((run, index) => ({ run, expected: expectedAccountsOf(runs, index) })).reverse();
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="p" tone="subdued">
            Runs the latest period that has closed. Statements already sent are never sent twice.
          </Text>
          <Button variant="primary" loading={start.state !== 'idle'} onClick={() => start.submit({ intent: 'run-statements' }, { method: 'post' })}>
            Run now for last period
          </Button>
        </InlineStack>
        {start.data && !start.data.ok && start.data.intent === 'run-statements' ? <Banner tone="critical" title={start.data.message} /> : null}
        {newestFirst.length === 0 ? (
          <Text as="p" tone="subdued">
            No statement run yet. Each period runs at its close once statements are enabled.
          </Text>
        ) : null}
        {newestFirst.map(({ run, expected }) => {
          const progress = progressOfRun(run, expected);
          const tone = RUN_BADGE[run.status];
          return (
            <div key={run.id} data-testid="statement-run">
              <BlockStack gap="150">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h3" variant="headingSm">
                    {run.periodStart} – {run.periodEnd}
                  </Text>
                  <InlineStack gap="200">
                    <Badge>{run.trigger === 'manual' ? 'Started here' : 'Scheduled'}</Badge>
                    {tone ? <Badge tone={tone}>{humanize(run.status)}</Badge> : <Badge>{humanize(run.status)}</Badge>}
                  </InlineStack>
                </InlineStack>
                <ProgressBar progress={progress.percent} tone={progress.tone} size="small" animated={progress.live} />
                <Text as="p" variant="bodySm" tone={progress.tone === 'critical' ? 'critical' : 'subdued'}>
                  {progress.label} · accounts {run.accounts ?? '—'} · Exstream job {run.jobId ?? '—'}
                </Text>
              </BlockStack>
            </div>
          );
        })}
      </BlockStack>
    </Card>
  );
}
