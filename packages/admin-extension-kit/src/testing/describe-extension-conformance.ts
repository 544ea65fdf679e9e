import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REQUIRED_LOCALE_KEYS } from '../required-locale-keys.ts';
import { localeKeys, messageAt, placeholdersOf } from './locale-keys.ts';
import { loadExtensionToml, loadLocales } from './load-extension-files.ts';

export type ExtensionConformanceOptions = {
  /** The extension's folder (holds shopify.extension.toml and locales/). */
  extensionDir: string;
  /** Its one target, e.g. `admin.order-details.block.render`. */
  target: string;
  /** The module the target renders, relative to the folder, e.g. `./src/BlockExtension.tsx`. */
  module: string;
  /** Its handle; other extensions open it by this name. */
  handle: string;
};

/**
 * The checks every admin extension of this app must pass before `shopify app deploy`: pinned API
 * version, one target, a module that exists, and complete en/fr locales. One suite, run by each
 * extension's own tests, so the three cannot drift apart.
 */
export function describeExtensionConformance({ extensionDir, target: TARGET, module: MODULE, handle: HANDLE }: ExtensionConformanceOptions): void {
  describe('shopify.extension.toml', () => {
    const toml = loadExtensionToml(extensionDir);

    it('pins API version 2026-04 (Preact + Polaris web components)', () => {
      expect(toml.apiVersion).toBe('2026-04');
    });

    it('declares exactly one extension with exactly one target', () => {
      expect(toml.extensions).toHaveLength(1);
      expect(toml.extensions[0]!.targeting).toEqual([{ target: TARGET, module: MODULE }]);
    });

    it('is a ui_extension named from the locale files, with a stable handle and uid', () => {
      const [extension] = toml.extensions;
      expect(extension).toMatchObject({ type: 'ui_extension', name: 't:name', handle: HANDLE });
      expect(extension!.uid).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('points at a module that exists', () => {
      expect(existsSync(join(extensionDir, MODULE))).toBe(true);
    });
  });

  describe('locales', () => {
    const locales = loadLocales(extensionDir);
    const en = locales['en.default.json'];
    const fr = locales['fr.json'];

    it('ship English as the default and French', () => {
      expect(Object.keys(locales)).toEqual(['en.default.json', 'fr.json']);
    });

    it('have the same keys in English and French', () => {
      expect(localeKeys(fr)).toEqual(localeKeys(en));
    });

    it('define the "name" the toml refers to and every key the shared formatting asks for', () => {
      for (const messages of [en, fr]) {
        const keys = localeKeys(messages);
        expect(keys).toContain('name');
        expect(REQUIRED_LOCALE_KEYS.filter((key) => !keys.includes(key))).toEqual([]);
      }
    });

    it('keep every placeholder in translation, and translate (no empty message)', () => {
      for (const key of localeKeys(en)) {
        const english = messageAt(en, key)!;
        const french = messageAt(fr, key)!;
        expect(french.trim(), key).not.toBe('');
        expect(placeholdersOf(french), key).toEqual(placeholdersOf(english));
      }
    });

    it('declare their own BCP 47 locale, used for dates and relative times', () => {
      expect(messageAt(en, 'locale')).toBe('en');
      expect(messageAt(fr, 'locale')).toBe('fr');
      expect(() => new Intl.RelativeTimeFormat(messageAt(fr, 'locale'))).not.toThrow();
    });
  });
}
