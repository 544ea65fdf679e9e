export { readExtensionToml } from './read-extension-toml.ts';
export type { TExtensionToml, TExtensionTomlEntry, TExtensionTomlTarget } from './read-extension-toml.ts';
export { localeKeys, messageAt, placeholdersOf } from './locale-keys.ts';
export { loadExtensionToml, loadLocales } from './load-extension-files.ts';
export { describeExtensionConformance } from './describe-extension-conformance.ts';
export type { ExtensionConformanceOptions } from './describe-extension-conformance.ts';
