import type { JsonMutation } from './mutate-json.ts';

/**
 * What a 4xx answer to one generated request must name: one of `fields` (a key of the field the
 * generator broke, found as a whole word in the message or in an issue's path / message), or text
 * matching one of `patterns` (case-insensitive) for problems that are not about a field (the body
 * is not JSON, too large, the wrong content type...). "Names the problem" means this, not merely
 * "has a message".
 */
export type ProblemExpectation = { what: string; fields: string[]; patterns: string[] };

/** The key a path ends in; for an array element, the array's key (`entity.items[0]` → `items`). */
export function fieldNamesOf(path: string): string[] {
  const segments = path.split(/[.[\]]+/).filter(Boolean);
  const last = [...segments].reverse().find((s) => !/^\d+$/.test(s));
  return last ? [last] : [];
}

/** The fields of structural mutations: the broken field, and any key the mutation added. */
export function mutationFields(mutations: readonly JsonMutation[]): string[] {
  return [...new Set(mutations.flatMap((m) => [...fieldNamesOf(m.path), ...(m.key ? [m.key] : [])]))];
}

/** The non-field problems by category, shared by the JSON intakes and the settings form. */
export const PROBLEM_TEXT = {
  json: { what: 'a JSON parse error', patterns: ['json', 'pars'] },
  encoding: { what: 'the invalid UTF-8', patterns: ['utf-?8'] },
  empty: { what: 'the missing body', patterns: ['empty', 'required', 'missing'] },
  root: { what: 'the wrong root type', patterns: ['object', 'array', 'root'] },
  contentType: { what: 'the content type', patterns: ['content.?type', 'media type', 'form body'] },
  size: { what: 'the size limit', patterns: ['limit', 'too large', 'too big', 'exceeds', 'size'] },
  depth: { what: 'the nesting depth', patterns: ['nest', 'deep', 'depth'] },
  forbiddenKey: { what: 'the forbidden key', patterns: ['__proto__', 'constructor', 'prototype'] },
} as const;

type Texts = { message: string; tokens: Set<string>; all: string };

/** Every message, issue path and issue message of a JSON error answer. */
function textsOf(body: string): Texts | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const p = parsed as { error?: { message?: unknown; issues?: unknown } | string; message?: unknown; issues?: unknown };
  const parts: string[] = [];
  const push = (v: unknown) => {
    if (typeof v === 'string' && v !== '') parts.push(v);
  };
  const pushIssues = (issues: unknown) => {
    if (!Array.isArray(issues)) return;
    for (const issue of issues.slice(0, 50)) {
      if (issue && typeof issue === 'object') {
        push((issue as { path?: unknown }).path);
        push((issue as { message?: unknown }).message);
      }
    }
  };
  if (typeof p.error === 'string') push(p.error);
  else if (p.error && typeof p.error === 'object') {
    push(p.error.message);
    pushIssues(p.error.issues);
  }
  push(p.message);
  pushIssues(p.issues);
  const all = parts.join(' | ');
  return { message: parts[0] ?? '', all, tokens: new Set(all.split(/[^A-Za-z0-9_]+/).filter(Boolean)) };
}

/**
 * Null when the 4xx `body` names what `expectation` asks for, else why not (quoting the answer).
 * Only called for 4xx answers that already carry a JSON error message.
 */
export function checkProblemNamed(expectation: ProblemExpectation, status: number, body: string): string | null {
  const texts = textsOf(body);
  if (!texts) return `${status} body is not JSON`;
  if (expectation.fields.some((f) => texts.tokens.has(f))) return null;
  if (expectation.patterns.some((p) => new RegExp(p, 'i').test(texts.all))) return null;
  const wanted = [...(expectation.fields.length > 0 ? [`the field ${expectation.fields.map((f) => `"${f}"`).join(' or ')}`] : []), ...(expectation.patterns.length > 0 ? [expectation.what] : [])];
  return `${status} does not name ${wanted.join(' or ')}: ${texts.all.slice(0, 160)}`;
}
