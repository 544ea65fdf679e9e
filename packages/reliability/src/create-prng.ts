/**
 * A small seeded PRNG (mulberry32): every generated event, fault and malformed request derives
 * from one printed seed, so a failing run is reproduced by passing the same seed back.
 */
export function createPrng(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    /** Integer in [min, max], both included. */
    int,
    chance: (p: number): boolean => next() < p,
    pick<T>(values: readonly T[]): T {
      if (values.length === 0) throw new Error('pick() from an empty list');
      return values[int(0, values.length - 1)]!;
    },
    /** Fisher–Yates, in place. */
    shuffle<T>(values: T[]): T[] {
      for (let i = values.length - 1; i > 0; i--) {
        const j = int(0, i);
        [values[i], values[j]] = [values[j]!, values[i]!];
      }
      return values;
    },
  };
}

export type Prng = ReturnType<typeof createPrng>;

/** A seed from the environment / CLI, else a fresh one (always printed by the caller). */
export function seedFrom(raw: string | undefined): number {
  if (raw !== undefined && raw.trim() !== '') {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new Error(`Invalid seed "${raw}": expected an integer 0..4294967295`);
    return value;
  }
  return Math.floor(Math.random() * 0xffffffff);
}
