import { setTimeout as delay } from 'node:timers/promises';

/** Same shape as the engine's logger: `debug|info|warn|error(msg, ctx?)`. */
export type ExstreamLogger = {
  debug(msg: string, ctx?: Record<string, unknown>): void;
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
};

export type ExstreamSleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Side effects the client uses, injectable for tests. */
export type ExstreamClientDeps = {
  fetch?: typeof globalThis.fetch;
  logger?: ExstreamLogger;
  /** Epoch milliseconds. */
  now?: () => number;
  sleep?: ExstreamSleep;
  /** Uniform in [0, 1); drives retry jitter. */
  random?: () => number;
};

export type ResolvedDeps = Required<ExstreamClientDeps>;

const noop = (): void => undefined;
export const silentLogger: ExstreamLogger = { debug: noop, info: noop, warn: noop, error: noop };

const defaultSleep: ExstreamSleep = async (ms, signal) => {
  if (signal?.aborted) throw signal.reason;
  if (ms <= 0) return;
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    // Surface the caller's own reason, as fetch does, rather than a generic AbortError.
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
};

export function resolveDeps(deps: ExstreamClientDeps = {}): ResolvedDeps {
  return {
    // Bound late so tests that stub globalThis.fetch after import still take effect.
    fetch: deps.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    logger: deps.logger ?? silentLogger,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? defaultSleep,
    random: deps.random ?? Math.random,
  };
}
