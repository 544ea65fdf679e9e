import type { StatementRun, StatementRunStatus } from '@exstream-connect/engine';

/** A run as the page receives it (dates serialised by the loader). */
export type StatementRunRow = Pick<StatementRun, 'id' | 'periodStart' | 'periodEnd' | 'trigger' | 'status' | 'accounts' | 'jobId' | 'error'> & {
  progress: { detail: string | null } | null;
  createdOn: string;
};

export type RunProgress = {
  /** 0–100 for Polaris ProgressBar. */
  percent: number;
  tone: 'highlight' | 'success' | 'critical';
  label: string;
  /** Still moving: the page keeps polling while any run is live. */
  live: boolean;
};

const LIVE: ReadonlySet<StatementRunStatus> = new Set(['queued', 'retrying', 'running', 'streaming', 'rendering']);

const plural = (n: number, word: string) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/**
 * What the progress bar shows for a run, from the engine's status and counts. A statement source
 * is a stream (its size is unknown until it ends), so while accounts are streaming the bar moves
 * against the account count of the store's previous run (`expectedAccounts`) when there is one,
 * and the label always says the true count.
 */
export function progressOfRun(run: Pick<StatementRunRow, 'status' | 'accounts' | 'error' | 'progress'>, expectedAccounts: number | null = null): RunProgress {
  const accounts = run.accounts ?? 0;
  const live = LIVE.has(run.status);
  switch (run.status) {
    case 'queued':
      return { percent: 0, tone: 'highlight', label: 'Waiting for a worker', live };
    case 'retrying':
      return { percent: 0, tone: 'critical', label: `Retrying after an error${run.error ? `: ${run.error}` : ''}`, live };
    case 'running':
      return { percent: 5, tone: 'highlight', label: 'Starting', live };
    case 'streaming': {
      const share = expectedAccounts && expectedAccounts > 0 ? Math.min(accounts / expectedAccounts, 0.98) : 0.5;
      return { percent: Math.round(10 + 50 * share), tone: 'highlight', label: `${plural(accounts, 'account')} planned and uploaded`, live };
    }
    case 'rendering':
      return { percent: 75, tone: 'highlight', label: `Exstream is producing ${plural(accounts, 'statement')}`, live };
    case 'sent':
      return { percent: 100, tone: 'success', label: `${plural(accounts, 'statement')} sent`, live };
    case 'failed':
      return { percent: 100, tone: 'critical', label: `Failed: ${run.progress?.detail ?? run.error ?? 'see the worker log'}`, live };
    case 'no_accounts':
      return { percent: 100, tone: 'success', label: 'No account had activity or a balance: nothing to send', live };
    case 'skipped':
      return { percent: 100, tone: 'highlight', label: `Skipped${run.progress?.detail ? `: ${run.progress.detail}` : ''}`, live };
    case 'cancelled':
      return { percent: 100, tone: 'critical', label: 'Cancelled', live };
    default:
      return { percent: 100, tone: 'success', label: 'Completed', live };
  }
}

/** The account count of the latest finished run that had accounts: the yardstick for a run in progress. */
export function expectedAccountsOf(runs: ReadonlyArray<Pick<StatementRunRow, 'status' | 'accounts'>>, before: number): number | null {
  for (let i = before - 1; i >= 0; i--) {
    const run = runs[i]!;
    if (!LIVE.has(run.status) && (run.accounts ?? 0) > 0) return run.accounts;
  }
  return null;
}

/** Most runs a page lists (the newest): a store runs one a month, plus the merchant's re-runs. */
export const RUNS_LISTED = 24;

/** The engine's runs as the page lists them: the newest RUNS_LISTED, oldest first, dates as ISO text. */
export function toRunRows(runs: readonly StatementRun[]): StatementRunRow[] {
  return runs.slice(-RUNS_LISTED).map((run) => ({
    id: run.id,
    periodStart: run.periodStart,
    periodEnd: run.periodEnd,
    trigger: run.trigger,
    status: run.status,
    accounts: run.accounts,
    jobId: run.jobId,
    error: run.error,
    progress: run.progress ? { detail: run.progress.detail } : null,
    createdOn: run.createdOn.toISOString(),
  }));
}
