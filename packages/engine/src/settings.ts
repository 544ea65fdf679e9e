import { ConnectError, assertStorablePayload } from '@exstream-connect/core';
import type { TemplateRule } from '@exstream-connect/db';
import type { EngineContext } from './engine-context.ts';
import { connectionExtras, connectionView } from './load-connection.ts';
import { ZSettingsUpdate, ZStoreSettingsJson, type SettingsView, type TRuleInput, type TStoreSettingsJson } from './settings-schema.ts';
import { requireStore, zodIssues } from './stores.ts';
import type { StoreRef } from './types.ts';

export function parseStoreSettings(raw: unknown): TStoreSettingsJson {
  const parsed = ZStoreSettingsJson.safeParse(raw ?? {});
  // A store saved by an older version keeps working with defaults rather than failing every event.
  return parsed.success ? parsed.data : ZStoreSettingsJson.parse({});
}

export function ruleFromRow(row: TemplateRule): TRuleInput & { id: string } {
  return {
    id: row.id,
    eventKind: row.eventKind as TRuleInput['eventKind'],
    documentType: row.documentType as TRuleInput['documentType'],
    brand: row.brand,
    locale: row.locale,
    channel: row.channel,
    fallbackChannels: row.fallbackChannels,
    productType: row.productType,
    skuPrefix: row.skuPrefix,
    tag: row.tag,
    country: row.country,
    communicationId: row.communicationId,
    serviceName: row.serviceName,
    templateVersion: row.templateVersion,
    priority: row.priority,
    enabled: row.enabled,
  };
}

export async function getSettings(ctx: EngineContext, ref: StoreRef): Promise<SettingsView> {
  const store = await requireStore(ctx, ref);
  const [connection, rules] = await Promise.all([
    ctx.prisma.exstreamConnection.findUnique({ where: { storeId: store.id } }),
    ctx.prisma.templateRule.findMany({ where: { storeId: store.id }, orderBy: [{ priority: 'desc' }, { createdAt: 'asc' }, { id: 'asc' }] }),
  ]);
  const json = parseStoreSettings(store.settings);
  return {
    connection: connectionView(connection),
    rules: rules.map(ruleFromRow),
    defaults: { brand: store.defaultBrand, locale: store.defaultLocale, timezone: store.timezone, currency: store.currency, channel: json.defaultChannel },
    dryRun: store.dryRun,
    writeBack: json.writeBack,
    archive: json.archive,
    statements: json.statements,
    campaigns: json.campaigns,
    replenishment: json.replenishment,
  };
}

export async function updateSettings(ctx: EngineContext, ref: StoreRef, input: unknown): Promise<SettingsView> {
  // Before zod: NUL / lone surrogates would reach Postgres (500), deep nesting the validators' stack.
  assertStorablePayload(input, 'settings');
  const parsed = ZSettingsUpdate.safeParse(input ?? {});
  if (!parsed.success) throw new ConnectError('VALIDATION_FAILED', 'Invalid settings', { issues: zodIssues(parsed.error) });
  const update = parsed.data;
  const store = await requireStore(ctx, ref);
  const existing = await ctx.prisma.exstreamConnection.findUnique({ where: { storeId: store.id } });
  if (update.connection && !update.connection.clientSecret && !existing) {
    throw new ConnectError('VALIDATION_FAILED', 'Invalid settings', { issues: [{ path: 'connection.clientSecret', message: 'required for a new connection' }] });
  }
  const json = parseStoreSettings(store.settings);
  const nextJson: TStoreSettingsJson = {
    defaultChannel: update.defaults?.channel ?? json.defaultChannel,
    writeBack: { ...json.writeBack, ...update.writeBack },
    archive: { ...json.archive, ...update.archive },
    statements: { ...json.statements, ...update.statements },
    campaigns: { ...json.campaigns, ...update.campaigns },
    replenishment: { ...json.replenishment, ...update.replenishment },
  };
  // Turning batched reminders on needs somewhere to send them: refused here, naming the field. A
  // later connection edit that drops the service is not refused (an older client may not know the
  // field): waiting reminders then go on demand, saying why, and the settings pages warn.
  if (update.campaigns?.batch === true) {
    const names = update.connection ? update.connection.serviceNames : update.connection === null ? null : existing ? connectionExtras(existing) : null;
    if (!names?.campaigns && !names?.batch) {
      throw new ConnectError('VALIDATION_FAILED', 'Invalid settings', {
        issues: [{ path: 'campaigns.batch', message: 'batched reminders need a batch service: set connection.serviceNames.campaigns (or .batch) first' }],
      });
    }
  }
  await ctx.prisma.$transaction(async (tx) => {
    await tx.store.update({
      where: { id: store.id },
      data: {
        settings: nextJson,
        ...(update.dryRun !== undefined ? { dryRun: update.dryRun } : {}),
        ...(update.defaults?.brand ? { defaultBrand: update.defaults.brand } : {}),
        ...(update.defaults?.locale ? { defaultLocale: update.defaults.locale } : {}),
        ...(update.defaults?.timezone ? { timezone: update.defaults.timezone } : {}),
        ...(update.defaults?.currency !== undefined ? { currency: update.defaults.currency } : {}),
      },
    });
    if (update.connection === null) {
      await tx.exstreamConnection.deleteMany({ where: { storeId: store.id } });
    } else if (update.connection) {
      const c = update.connection;
      const fields = {
        baseUrl: c.baseUrl,
        domain: c.domain,
        tokenUrl: c.tokenUrl,
        grantType: c.grantType,
        clientId: c.clientId,
        username: c.username ?? null,
        scope: c.scope ?? null,
        serviceNames: { ...c.serviceNames, driverDataSource: c.driverDataSource, defaultCommunicationId: c.defaultCommunicationId },
        ...(c.clientSecret ? { clientSecretEnc: ctx.secretBox.encrypt(c.clientSecret) } : {}),
        ...(c.password ? { passwordEnc: ctx.secretBox.encrypt(c.password) } : {}),
      };
      if (existing) await tx.exstreamConnection.update({ where: { storeId: store.id }, data: fields });
      else await tx.exstreamConnection.create({ data: { storeId: store.id, ...fields, clientSecretEnc: ctx.secretBox.encrypt(c.clientSecret!) } });
    }
    if (update.rules) {
      // Replace-all keeps the settings page simple; ids the page sent back are kept stable so
      // communications keep pointing at the rule that chose them.
      await tx.templateRule.deleteMany({ where: { storeId: store.id } });
      if (update.rules.length > 0) {
        await tx.templateRule.createMany({ data: update.rules.map((rule) => ({ ...rule, storeId: store.id })) });
      }
    }
  });
  return getSettings(ctx, store);
}
