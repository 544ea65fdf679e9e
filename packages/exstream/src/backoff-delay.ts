export type BackoffDelayOptions = {
  /** 1 for the wait after the first failed attempt. */
  attempt: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Uniform in [0, 1). */
  random: () => number;
};

/**
 * Exponential backoff with FULL jitter (a uniform pick between 0 and the capped exponential), so that many
 * workers failing together do not retry together.
 */
export function backoffDelay({ attempt, baseDelayMs, maxDelayMs, random }: BackoffDelayOptions): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
