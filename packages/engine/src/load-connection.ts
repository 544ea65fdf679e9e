import type { ExstreamConnection } from '@exstream-connect/db';
import type { EngineContext } from './engine-context.ts';
import type { SettingsView } from './settings-schema.ts';

/** A store's Exstream connection with its secrets decrypted: for building a client, never for returning. */
export type ResolvedConnection = {
  baseUrl: string;
  domain: string;
  tokenUrl: string;
  grantType: 'client_credentials' | 'password';
  clientId: string;
  clientSecret: string;
  username: string | null;
  password: string | null;
  scope: string | null;
  serviceNames: { onDemand?: string; batch?: string; statements?: string; campaigns?: string };
  driverDataSource: string;
  defaultCommunicationId: string | null;
};

type ConnectionExtras = { onDemand?: string; batch?: string; statements?: string; campaigns?: string; driverDataSource?: string; defaultCommunicationId?: string | null };

export function connectionExtras(row: ExstreamConnection): ConnectionExtras {
  return (row.serviceNames ?? {}) as ConnectionExtras;
}

/** The service names a connection row stores (beside the driver DSN and default communication id). */
function serviceNamesOf(extras: ConnectionExtras): ResolvedConnection['serviceNames'] {
  const names: ResolvedConnection['serviceNames'] = {};
  for (const key of ['onDemand', 'batch', 'statements', 'campaigns'] as const) {
    if (extras[key]) names[key] = extras[key];
  }
  return names;
}

export function connectionView(row: ExstreamConnection | null): SettingsView['connection'] {
  if (!row) return null;
  const extras = connectionExtras(row);
  return {
    baseUrl: row.baseUrl,
    domain: row.domain,
    tokenUrl: row.tokenUrl,
    grantType: row.grantType,
    clientId: row.clientId,
    username: row.username,
    scope: row.scope,
    serviceNames: serviceNamesOf(extras),
    driverDataSource: extras.driverDataSource ?? 'driver',
    defaultCommunicationId: extras.defaultCommunicationId ?? null,
    hasClientSecret: row.clientSecretEnc !== '',
    hasPassword: !!row.passwordEnc,
  };
}

export async function loadConnection(ctx: Pick<EngineContext, 'prisma' | 'secretBox'>, storeId: string): Promise<ResolvedConnection | null> {
  const row = await ctx.prisma.exstreamConnection.findUnique({ where: { storeId } });
  if (!row) return null;
  const extras = connectionExtras(row);
  return {
    baseUrl: row.baseUrl,
    domain: row.domain,
    tokenUrl: row.tokenUrl,
    grantType: row.grantType === 'password' ? 'password' : 'client_credentials',
    clientId: row.clientId,
    clientSecret: row.clientSecretEnc ? ctx.secretBox.decrypt(row.clientSecretEnc) : '',
    username: row.username,
    password: row.passwordEnc ? ctx.secretBox.decrypt(row.passwordEnc) : null,
    scope: row.scope,
    serviceNames: serviceNamesOf(extras),
    driverDataSource: extras.driverDataSource ?? 'driver',
    defaultCommunicationId: extras.defaultCommunicationId ?? null,
  };
}
