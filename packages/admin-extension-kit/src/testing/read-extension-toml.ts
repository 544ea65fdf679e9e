export type TExtensionTomlTarget = { target?: string; module?: string };
export type TExtensionTomlEntry = { name?: string; handle?: string; type?: string; uid?: string; targeting: TExtensionTomlTarget[] };
export type TExtensionToml = { apiVersion?: string; extensions: TExtensionTomlEntry[] };

const KEY_VALUE = /^([A-Za-z0-9_-]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$/;

/**
 * Reads the subset of TOML a `shopify.extension.toml` uses (string keys, `[[extensions]]`,
 * `[[extensions.targeting]]`, nested tables), enough for tests to check what the CLI will see.
 * Anything else on a line is reported instead of silently skipped.
 */
export function readExtensionToml(text: string): TExtensionToml {
  const result: TExtensionToml = { extensions: [] };
  let table = '';
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const header = /^\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?$/.exec(line);
    if (header) {
      table = header[1]!;
      if (line.startsWith('[[') && table === 'extensions') result.extensions.push({ targeting: [] });
      if (line.startsWith('[[') && table === 'extensions.targeting') result.extensions.at(-1)?.targeting.push({});
      return;
    }
    const kv = KEY_VALUE.exec(line);
    if (!kv) throw new Error(`shopify.extension.toml line ${index + 1} is not a "key = \\"string\\"" pair: ${line}`);
    const [, key, value] = kv as unknown as [string, string, string];
    if (table === '' && key === 'api_version') result.apiVersion = value;
    const extension = result.extensions.at(-1);
    if (table === 'extensions' && extension && (key === 'name' || key === 'handle' || key === 'type' || key === 'uid')) extension[key] = value;
    const target = extension?.targeting.at(-1);
    if (table === 'extensions.targeting' && target && (key === 'target' || key === 'module')) target[key] = value;
  });
  return result;
}
