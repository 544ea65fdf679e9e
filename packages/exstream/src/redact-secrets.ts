export const REDACTED = '[redacted]';

/**
 * Holds every secret the client knows (client secret, password, issued access tokens) and scrubs them from
 * any text before it reaches a log line or an error. Upstream bodies are not trusted: an OTDS error page may
 * echo the submitted form, so the URL- and form-encoded spellings are scrubbed too.
 */
export type SecretRedactor = {
  add(secret: string | undefined | null): void;
  redact(text: string): string;
  redactValue<T>(value: T): T;
};

// Short values would turn ordinary words into `[redacted]` and leak nothing useful anyway.
const MIN_SECRET_LENGTH = 4;

export function createSecretRedactor(initial: Array<string | undefined | null> = []): SecretRedactor {
  const needles = new Set<string>();
  let ordered: string[] = [];

  const add = (secret: string | undefined | null): void => {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    const before = needles.size;
    for (const variant of [
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
      Buffer.from(secret, 'utf8').toString('base64'),
    ]) {
      if (variant.length >= MIN_SECRET_LENGTH) needles.add(variant);
    }
    // Longest first, so a secret containing another secret is removed whole.
    if (needles.size !== before) ordered = [...needles].sort((a, b) => b.length - a.length);
  };

  const redact = (text: string): string => {
    let out = text;
    for (const needle of ordered) {
      if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    }
    return out;
  };

  const redactValue = <T>(value: T): T => {
    if (typeof value === 'string') return redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => redactValue(v)) as T;
    if (value && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Error)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = redactValue(v);
      return out as T;
    }
    return value;
  };

  for (const s of initial) add(s);
  return { add, redact, redactValue };
}
