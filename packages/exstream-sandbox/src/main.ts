#!/usr/bin/env node
import { readSandboxEnv, SandboxEnvError } from './read-sandbox-env.ts';
import { consoleLogger } from './sandbox-logger.ts';
import { startSandbox } from './start-sandbox.ts';

// `npm run sandbox`: a long-running local Exstream for development and demos. Configuration comes
// only from EXSTREAM_SANDBOX_* variables (see README).
async function main(): Promise<void> {
  let config: ReturnType<typeof readSandboxEnv>;
  try {
    config = readSandboxEnv(process.env);
  } catch (err) {
    if (err instanceof SandboxEnvError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = consoleLogger(config.logLevel);
  const sandbox = await startSandbox({ ...config.options, logger });
  const client = config.options.clients?.[0];
  process.stdout.write(
    [
      `Exstream sandbox listening`,
      `  Exstream root URL : ${sandbox.url}`,
      `  Orchestration API : ${sandbox.url}/orchestration/api/v1`,
      `  OTDS token URL    : ${sandbox.tokenUrl}`,
      `  client id         : ${client?.clientId ?? 'sandbox'} (secret from EXSTREAM_SANDBOX_CLIENT_SECRET, default sandbox-secret)`,
      `  domain            : ${sandbox.domain}`,
      `  inspect requests  : ${sandbox.url}/__sandbox/requests`,
      `  faults            : POST ${sandbox.url}/__sandbox/faults`,
      config.options.dataDir ? `  documents         : ${config.options.dataDir}/documents` : '  documents         : not written (EXSTREAM_SANDBOX_DATA_DIR=none)',
      config.options.feedback ? `  feedback callback : ${config.options.feedback.url}` : '  feedback callback : off (set EXSTREAM_SANDBOX_FEEDBACK_URL and _SECRET)',
      ...(config.options.strict ? [`  strict mode       : ${config.options.catalog?.length ?? 0} communication(s), channels: ${config.options.channels?.join(', ') ?? 'none'}`] : []),
      ...(config.options.domainTenants ? [`  domain tenants    : ${Object.entries(config.options.domainTenants).map(([d, t]) => `${d}=${t}`).join(', ')}`] : []),
      ...(config.options.xsrf ? ['  XSRF pair         : required on HTTP-channel inputs'] : []),
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping sandbox', { signal });
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`exstream-sandbox failed to start: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
