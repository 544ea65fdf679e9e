import { type CallContext, orchestrationUrl, readJson, unexpectedResponse, unwrapData } from './call-context.ts';
import type { CallOptions } from './generate.ts';
import { type TExstreamVersion, ZExstreamVersion } from './schemas.ts';

/** `GET …/api/v1/version` (VersionConfig); authenticated, so it also proves the credentials ("Test connection"). */
export async function getVersion(ctx: CallContext, options: CallOptions = {}): Promise<TExstreamVersion> {
  const response = await ctx.transport.send({
    operation: 'getVersion',
    method: 'GET',
    url: orchestrationUrl(ctx, '/version'),
    headers: { Accept: 'application/json' },
    auth: ctx.auth,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  const json = readJson(ctx, 'getVersion', response);
  // Some gateways wrap it in a DataResponse; accept both shapes.
  const candidate = json && typeof json === 'object' && 'versionString' in json ? json : unwrapData(json);
  const parsed = ZExstreamVersion.safeParse(candidate);
  if (!parsed.success) throw unexpectedResponse(ctx, 'getVersion', response, 'not a VersionConfig object');
  return parsed.data;
}
