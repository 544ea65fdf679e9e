import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const VERSION = 'v1';

/** Encrypts secrets at rest with AES-256-GCM. Output: `v1:<iv b64>:<tag b64>:<ciphertext b64>`. */
export type SecretBox = {
  encrypt(plaintext: string): string;
  decrypt(envelope: string): string;
  /** True when the value is an envelope this box produced (used to refuse storing plaintext). */
  isEnvelope(value: string): boolean;
};

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes (AES-256).');
  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
    },
    decrypt(envelope) {
      const [version, iv, tag, ciphertext] = envelope.split(':');
      if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
        throw new Error('Not an encrypted secret envelope.');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        // Never echo the envelope: a wrong key must not leak material into logs.
        throw new Error('Secret could not be decrypted: wrong EXSTREAM_CONNECT_SECRET_KEY or tampered value.');
      }
    },
    isEnvelope(value) {
      return /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/.test(value);
    },
  };
}

/** Parses a key given as 64 hex characters or base64 of 32 bytes. */
export function parseSecretKey(raw: string): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error('EXSTREAM_CONNECT_SECRET_KEY must be 32 bytes: 64 hex characters or base64 (openssl rand -base64 32).');
  }
  return key;
}

/**
 * Embedded: the local, single-process product on PGlite (`npm start` on a fresh clone), where
 * generating a secret into the data folder beats refusing to start. Production: a shared Postgres
 * (DATABASE_URL) or NODE_ENV=production, where every secret must come from the environment — a
 * generated key would differ per host and a file next to the data is no protection.
 */
export type SecretMode = 'embedded' | 'production';

export type LoadSecretKeyResult = { key: Buffer; source: 'env' | 'generated' | 'file'; file?: string };

/**
 * The key comes from EXSTREAM_CONNECT_SECRET_KEY. Only in embedded mode, when it is unset, a key
 * is generated once and kept in `<dataDir>/secret.key`, so `npm start` works on a fresh clone;
 * callers must warn loudly when source !== 'env'. In production mode a missing key is an error
 * (an existing key file is not read either).
 */
export async function loadSecretKey(options: { envValue?: string | undefined; dataDir: string; mode: SecretMode }): Promise<LoadSecretKeyResult> {
  if (options.envValue && options.envValue.trim() !== '') {
    return { key: parseSecretKey(options.envValue), source: 'env' };
  }
  if (options.mode !== 'embedded') {
    throw new Error('EXSTREAM_CONNECT_SECRET_KEY is required outside embedded mode (Postgres DATABASE_URL or NODE_ENV=production): openssl rand -base64 32.');
  }
  const { value, source, file } = await loadLocalSecret(path.join(options.dataDir, 'secret.key'), () => randomBytes(32).toString('base64'));
  return { key: parseSecretKey(value), source, file };
}

export type LoadFeedbackSecretResult = { secret: string; source: 'env' | 'generated' | 'file'; file?: string };

/** The engine refuses shorter HMAC secrets for the delivery-feedback callback. */
export const MIN_FEEDBACK_SECRET_LENGTH = 16;

/**
 * The HMAC secret of the delivery-feedback callback, from EXSTREAM_FEEDBACK_SECRET. Like the
 * secret key, only embedded mode may fall back to a random secret generated once into
 * `<dataDir>/feedback.secret` (the local sandbox is told the same value); production refuses.
 */
export async function loadFeedbackSecret(options: { envValue?: string | undefined; dataDir: string; mode: SecretMode }): Promise<LoadFeedbackSecretResult> {
  const fromEnv = options.envValue?.trim();
  if (fromEnv) {
    if (fromEnv.length < MIN_FEEDBACK_SECRET_LENGTH) throw new Error(`EXSTREAM_FEEDBACK_SECRET must be at least ${MIN_FEEDBACK_SECRET_LENGTH} characters.`);
    return { secret: fromEnv, source: 'env' };
  }
  if (options.mode !== 'embedded') {
    throw new Error('EXSTREAM_FEEDBACK_SECRET is required outside embedded mode (Postgres DATABASE_URL or NODE_ENV=production).');
  }
  const { value, source, file } = await loadLocalSecret(path.join(options.dataDir, 'feedback.secret'), () => randomBytes(32).toString('base64url'));
  if (value.length < MIN_FEEDBACK_SECRET_LENGTH) throw new Error(`${file} holds a feedback secret shorter than ${MIN_FEEDBACK_SECRET_LENGTH} characters: delete it to generate a new one.`);
  return { secret: value, source, file };
}

/** Reads a generated local secret, or creates it (owner-only, never overwriting a concurrent writer's). */
async function loadLocalSecret(file: string, generate: () => string): Promise<{ value: string; source: 'generated' | 'file'; file: string }> {
  if (existsSync(file)) return { value: (await readFile(file, 'utf8')).trim(), source: 'file', file };
  await mkdir(path.dirname(file), { recursive: true });
  const value = generate();
  try {
    await writeFile(file, value + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs, so both agree.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { value: (await readFile(file, 'utf8')).trim(), source: 'file', file };
    throw error;
  }
  return { value, source: 'generated', file };
}

/** Constant-time comparison of two strings (signatures, tokens). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  if (left.length !== right.length) {
    // Compare anyway so the time does not depend on where the lengths differ.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}
