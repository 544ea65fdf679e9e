/** Every leaf key path of a locale file (`status.failed`, `errors.generic` …), sorted. */
export function localeKeys(messages: unknown, prefix = ''): string[] {
  if (typeof messages !== 'object' || messages === null || Array.isArray(messages)) return prefix ? [prefix] : [];
  return Object.entries(messages)
    .flatMap(([key, value]) => localeKeys(value, prefix ? `${prefix}.${key}` : key))
    .sort();
}

/** The `{{placeholder}}` names a message uses, so translations keep every interpolation. */
export function placeholdersOf(message: string): string[] {
  return [...message.matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]!).sort();
}

/** Reads a leaf by key path; undefined when missing or not a string. */
export function messageAt(messages: unknown, key: string): string | undefined {
  let current: unknown = messages;
  for (const part of key.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return typeof current === 'string' ? current : undefined;
}
