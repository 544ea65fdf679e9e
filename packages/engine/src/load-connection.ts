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
  serviceNames: { onDemand?: string; batch?: string; statements?: string };
  driverDataSource: string;
  defaultCommunicationId: string | null;
};

type ConnectionExtras = { onDemand?: string; batch?: string; statements?: string; driverDataSource?: string; defaultCommunicationId?: string | null };

export function connectionExtras(row: ExstreamConnection): ConnectionExtras {
  return (row.serviceNames ?? {}) as ConnectionExtras;
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
    serviceNames: {
      ...(extras.onDemand ? { onDemand: extras.onDemand } : {}),
      ...(extras.batch ? { batch: extras.batch } : {}),
      ...(extras.statements ? { statements: extras.statements } : {}),
    },
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
    serviceNames: {
      ...(extras.onDemand ? { onDemand: extras.onDemand } : {}),
      ...(extras.batch ? { batch: extras.batch } : {}),
      ...(extras.statements ? { statements: extras.statements } : {}),
    },
    driverDataSource: extras.driverDataSource ?? 'driver',
    defaultCommunicationId: extras.defaultCommunicationId ?? null,
  };
}
