import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readExtensionToml, type TExtensionToml } from './read-extension-toml.ts';

/** The parsed `shopify.extension.toml` of the extension folder given. */
export function loadExtensionToml(extensionDir: string): TExtensionToml {
  return readExtensionToml(readFileSync(join(extensionDir, 'shopify.extension.toml'), 'utf8'));
}

/** Every `locales/*.json` of the extension, by file name (`en.default.json`, `fr.json` …). */
export function loadLocales(extensionDir: string): Record<string, unknown> {
  const dir = join(extensionDir, 'locales');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => [file, JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown]),
  );
}
