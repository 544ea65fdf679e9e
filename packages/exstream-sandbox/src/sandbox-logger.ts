export type SandboxLogger = {
  debug(msg: string, ctx?: Record<string, unknown>): void;
  info(msg: string, ctx?: Record<string, unknown>): void;
  warn(msg: string, ctx?: Record<string, unknown>): void;
  error(msg: string, ctx?: Record<string, unknown>): void;
};

export const silentLogger: SandboxLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** One JSON line per entry on stderr — what the CLI uses. */
export function consoleLogger(minLevel: 'debug' | 'info' | 'warn' | 'error' = 'info'): SandboxLogger {
  const levels = ['debug', 'info', 'warn', 'error'] as const;
  const min = levels.indexOf(minLevel);
  const log = (level: (typeof levels)[number]) => (msg: string, ctx?: Record<string, unknown>) => {
    if (levels.indexOf(level) < min) return;
    process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...ctx })}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
