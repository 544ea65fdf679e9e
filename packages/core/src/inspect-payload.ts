import { validationError, type FieldIssue } from './errors.ts';

export type InspectPayloadOptions = {
  /** Deepest nesting accepted (objects and arrays); the root is level 1. Default 64. */
  maxDepth?: number;
  /** Stop after this many issues (a hostile body could hold millions). Default 20. */
  maxIssues?: number;
  /** Prefixed to every path ("payload", "connection"...); default none. */
  prefix?: string;
};

export const DEFAULT_MAX_PAYLOAD_DEPTH = 64;

// A surrogate half without its partner. JSON allows "\ud800", but it is not Unicode text:
// Postgres jsonb rejects it, and a text column would store U+FFFD instead.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function problemOf(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired surrogate (not valid Unicode text)';
  return null;
}

const UNSTORABLE = new RegExp(`\u0000|${LONE_SURROGATE.source}`, 'g');

/** The key as printable text: the offending characters as `\uXXXX`, so the issue itself is storable. */
function escapeUnstorable(key: string): string {
  return key.replace(UNSTORABLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * What in a parsed JSON value cannot be stored or safely processed, as field issues: strings (and
 * keys) with NUL characters or lone surrogates (valid JSON, refused by Postgres jsonb/text), and
 * nesting deeper than `maxDepth` (recursive validators and mappers would exhaust the stack).
 * Iterative, so it is itself safe on any depth; run it before mapping or storing.
 */
export function inspectPayload(value: unknown, options: InspectPayloadOptions = {}): FieldIssue[] {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_PAYLOAD_DEPTH;
  const maxIssues = options.maxIssues ?? 20;
  const issues: FieldIssue[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: options.prefix ?? '', depth: 1 }];
  const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
  while (stack.length > 0 && issues.length < maxIssues) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const problem = problemOf(item.value);
      if (problem) issues.push({ path: item.path, message: problem });
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth > maxDepth) {
      issues.push({ path: item.path, message: `nested deeper than ${maxDepth} levels` });
      continue;
    }
    if (Array.isArray(item.value)) {
      for (let i = item.value.length - 1; i >= 0; i--) stack.push({ value: item.value[i], path: join(item.path, String(i)), depth: item.depth + 1 });
      continue;
    }
    const keys = Object.keys(item.value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const keyProblem = problemOf(key);
      if (keyProblem) {
        // The key itself is the problem: name it without the offending character.
        issues.push({ path: join(item.path, escapeUnstorable(key)), message: `field name ${keyProblem}` });
        continue;
      }
      stack.push({ value: (item.value as Record<string, unknown>)[key], path: join(item.path, key), depth: item.depth + 1 });
    }
  }
  return issues;
}

/** Throws VALIDATION_FAILED (400) naming each unstorable field, e.g. `entity.customer_firstname: contains a NUL character`. */
export function assertStorablePayload(value: unknown, subject: string, options: InspectPayloadOptions = {}): void {
  const issues = inspectPayload(value, options);
  if (issues.length > 0) throw validationError(issues, subject);
}
