import { TRANSLATED_ERROR_CODES } from './describe-error.ts';
import { KNOWN_CHANNELS, KNOWN_DOCUMENT_TYPES, KNOWN_STATUSES } from './translate-label.ts';

/**
 * Keys every extension's locale files must define for the shared formatting to translate:
 * labels, error sentences, and `locale` (the BCP 47 tag of the file, used for dates and relative
 * times so they read in the same language as the text around them).
 */
export const REQUIRED_LOCALE_KEYS: readonly string[] = [
  'locale',
  ...KNOWN_DOCUMENT_TYPES.map((v) => `documentType.${v}`),
  ...KNOWN_STATUSES.map((v) => `status.${v}`),
  ...KNOWN_CHANNELS.map((v) => `channel.${v}`),
  'errors.generic',
  ...TRANSLATED_ERROR_CODES.map((code) => `errors.${code}`),
];
