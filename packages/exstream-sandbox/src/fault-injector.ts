export type FailStatus = 500 | 503 | 429;

export type FaultState = {
  failures: Array<{ status: FailStatus; retryAfterSeconds: number | null }>;
  delays: number[];
  delayMs: number;
  failRate: number;
  failRateStatus: FailStatus;
  batchJobErrors: string[];
};

export type FaultInjectorOptions = { delayMs?: number; failRate?: number; failRateStatus?: FailStatus; random?: () => number };

/**
 * Scripted failures for orchestration routes. Queued faults (failNext/delayNext) are consumed one
 * per request in arrival order, so "fail twice then succeed" is deterministic for a sequential client.
 */
export function createFaultInjector(options: FaultInjectorOptions = {}) {
  const random = options.random ?? Math.random;
  const initial = (): FaultState => ({
    failures: [],
    delays: [],
    delayMs: options.delayMs ?? 0,
    failRate: options.failRate ?? 0,
    failRateStatus: options.failRateStatus ?? 503,
    batchJobErrors: [],
  });
  let state = initial();

  return {
    failNext(count: number, status: FailStatus, opts: { retryAfterSeconds?: number } = {}): void {
      for (let i = 0; i < count; i++) state.failures.push({ status, retryAfterSeconds: opts.retryAfterSeconds ?? (status === 429 ? 1 : null) });
    },
    delayNext(count: number, ms: number): void {
      for (let i = 0; i < count; i++) state.delays.push(ms);
    },
    setDelay(ms: number): void {
      state.delayMs = Math.max(0, ms);
    },
    setFailRate(rate: number, status: FailStatus = 503): void {
      state.failRate = Math.min(1, Math.max(0, rate));
      state.failRateStatus = status;
    },
    failNextBatchJob(message: string): void {
      state.batchJobErrors.push(message);
    },
    /** Back to the options given at start (env faults of the CLI included). */
    reset(): void {
      state = initial();
    },
    /** Called once per orchestration request, before authentication: slow responses are slow for everyone. */
    nextDelay(): number {
      return state.delays.shift() ?? state.delayMs;
    },
    /** Called once per authenticated orchestration request, so a 401 round-trip does not use up a scripted failure. */
    nextFailure(): { status: FailStatus; retryAfterSeconds: number | null } | null {
      const queued = state.failures.shift();
      if (queued) return queued;
      if (state.failRate > 0 && random() < state.failRate) {
        return { status: state.failRateStatus, retryAfterSeconds: state.failRateStatus === 429 ? 1 : null };
      }
      return null;
    },
    takeBatchJobError(): string | null {
      return state.batchJobErrors.shift() ?? null;
    },
    snapshot(): FaultState {
      return structuredClone(state);
    },
  };
}

export type FaultInjector = ReturnType<typeof createFaultInjector>;
