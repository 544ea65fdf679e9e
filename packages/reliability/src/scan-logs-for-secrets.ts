import { readFileSync } from 'node:fs';

// Any full address; masked ones (`j***@example.com`) do not match because `*` is not allowed.
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export type LogLeak = { file: string; line: number; kind: 'secret' | 'email'; what: string };

/**
 * Scans log files for any of the given secrets and for full email addresses. Secrets are named
 * by label in the report, never printed.
 */
export function scanLogsForSecrets(files: string[], secrets: Record<string, string>): LogLeak[] {
  const leaks: LogLeak[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      for (const [label, secret] of Object.entries(secrets)) {
        if (secret.length >= 6 && text.includes(secret)) leaks.push({ file, line: i + 1, kind: 'secret', what: label });
      }
      for (const match of text.matchAll(EMAIL)) leaks.push({ file, line: i + 1, kind: 'email', what: match[0].replace(/^(.).*@/, '$1…@') });
    });
  }
  return leaks;
}
