/**
 * The composition root's logger: text for people, JSON lines with LOG_FORMAT=json (the soak scans
 * them). It masks e-mail addresses in messages and context as a last line of defence; callers are
 * still expected never to pass secrets or personal data.
 */
import { maskEmailsInText } from '@exstream-connect/core';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = Record<LogLevel, (message: string, context?: Record<string, unknown>) => void>;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createConsoleLogger(options: { level?: string; format?: string; name?: string } = {}): Logger {
  const min = LEVELS[(options.level as LogLevel) ?? 'info'] ?? LEVELS.info;
  const json = options.format === 'json';
  const name = options.name ?? 'exstream-connect';
  const write = (level: LogLevel, message: string, context?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const stream = level === 'error' || level === 'warn' ? process.stderr : process.stdout;
    const ctx = context && Object.keys(context).length > 0 ? maskEmailsInText(JSON.stringify(context)) : '';
    if (json) {
      stream.write(`${maskEmailsInText(JSON.stringify({ time: new Date().toISOString(), level, name, msg: message, ...(context ?? {}) }))}\n`);
    } else {
      stream.write(`${new Date().toISOString().slice(11, 19)} ${level.padEnd(5)} [${name}] ${maskEmailsInText(message)}${ctx ? ` ${ctx}` : ''}\n`);
    }
  };
  return { debug: (m, c) => write('debug', m, c), info: (m, c) => write('info', m, c), warn: (m, c) => write('warn', m, c), error: (m, c) => write('error', m, c) };
}
