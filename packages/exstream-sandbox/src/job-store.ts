import { randomUUID } from 'node:crypto';

export type JobStatus = 'uninitialized' | 'waiting' | 'started' | 'holding' | 'complete' | 'error' | 'canceled' | 'deleted';
export const TERMINAL_JOB_STATUSES: ReadonlySet<JobStatus> = new Set(['complete', 'error', 'canceled', 'deleted']);

/** The Orchestration `Job` (exstream-api.md §7), plus `recordCount` for batch jobs. */
export type Job = {
  id: string;
  domainId: string;
  channel: string;
  mode: 'BATCH' | 'ONDEMAND';
  status: JobStatus;
  flowModelType: 'COMMUNICATION' | 'ALERT' | 'NOTIFICATION';
  msg: string | null;
  externalId: string | null;
  triggeredBy: string | null;
  aggregatedFMCSnapshotId: string;
  startDate: number;
  endDate: number | null;
  expirationDate: number;
  traceId: string;
  simulation: boolean;
  recordCount: number;
};

export type JobListQuery = { filter?: string | null; offset?: number; count?: number; sort?: string | null; fetchDeleted?: boolean };

const LIST_KEYS = new Set(['ids', 'channel', 'externalId', 'triggeredBy', 'statuses', 'mode', 'flowModelTypes', 'aggregatedFMCSnapshotIds']);

/** Parses `statuses:complete,error;mode:BATCH;externalId:abc` — values may themselves contain ':'. */
export function parseJobFilter(filter: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!filter) return out;
  for (const part of filter.split(';')) {
    const at = part.indexOf(':');
    if (at <= 0) continue;
    const key = part.slice(0, at).trim();
    if (LIST_KEYS.has(key)) out.set(key, part.slice(at + 1).trim());
  }
  return out;
}

function matches(value: string | null, wanted: string, caseInsensitive = false): boolean {
  if (value === null) return false;
  const norm = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  // Whole value first, so an externalId that contains a comma still matches itself.
  if (norm(value) === norm(wanted)) return true;
  return wanted.split(',').some((w) => norm(w.trim()) === norm(value));
}

function jobMatches(job: Job, key: string, wanted: string): boolean {
  switch (key) {
    case 'ids':
      return matches(job.id, wanted);
    case 'channel':
      return matches(job.channel, wanted);
    case 'externalId':
      return matches(job.externalId, wanted);
    case 'triggeredBy':
      return matches(job.triggeredBy, wanted);
    case 'statuses':
      return matches(job.status, wanted, true);
    case 'mode':
      return matches(job.mode, wanted, true);
    case 'flowModelTypes':
      return matches(job.flowModelType, wanted, true);
    case 'aggregatedFMCSnapshotIds':
      return matches(job.aggregatedFMCSnapshotId, wanted);
    default:
      return true;
  }
}

export function createJobStore(options: { clock: () => number; retentionDays?: number; maxJobs?: number; onEvict?: (id: string) => void }) {
  const jobs = new Map<string, Job>();
  const order: string[] = [];
  // The engine looks every send up by its externalId (the Idempotency-Key) right after it: a scan of
  // all jobs per lookup made a long soak quadratic. Creation sequence numbers keep the index's
  // answers in the list's order.
  const sequence = new Map<string, number>();
  const byExternalId = new Map<string, string[]>();
  let created = 0;
  /** The jobs a filter can match when it names externalIds: null when it names none (scan them all). */
  const candidatesFor = (filter: Map<string, string>, ascending: boolean): string[] | null => {
    const wanted = filter.get('externalId');
    if (wanted === undefined) return null;
    const found = new Set<string>();
    for (const value of new Set([wanted, ...wanted.split(',').map((w) => w.trim())])) {
      for (const id of byExternalId.get(value) ?? []) if (jobs.has(id)) found.add(id);
    }
    return [...found].sort((a, b) => (ascending ? 1 : -1) * ((sequence.get(a) ?? 0) - (sequence.get(b) ?? 0)));
  };
  const expiration = (options.retentionDays ?? 30) * 24 * 3600 * 1000;

  return {
    create(input: Pick<Job, 'domainId' | 'channel' | 'mode' | 'status'> & Partial<Pick<Job, 'id' | 'externalId' | 'triggeredBy' | 'recordCount' | 'msg'>>): Job {
      const now = options.clock();
      const job: Job = {
        id: input.id ?? randomUUID(),
        domainId: input.domainId,
        channel: input.channel,
        mode: input.mode,
        status: input.status,
        flowModelType: 'COMMUNICATION',
        msg: input.msg ?? null,
        externalId: input.externalId ?? null,
        triggeredBy: input.triggeredBy ?? null,
        aggregatedFMCSnapshotId: randomUUID(),
        startDate: now,
        endDate: TERMINAL_JOB_STATUSES.has(input.status) ? now : null,
        expirationDate: now + expiration,
        traceId: randomUUID().replace(/-/g, ''),
        simulation: false,
        recordCount: input.recordCount ?? 0,
      };
      jobs.set(job.id, job);
      order.push(job.id);
      sequence.set(job.id, (created += 1));
      if (job.externalId !== null) {
        const same = byExternalId.get(job.externalId);
        if (same) same.push(job.id);
        else byExternalId.set(job.externalId, [job.id]);
      }
      // Long soak runs create a job per call; the oldest go first so memory stays bounded.
      while (jobs.size > (options.maxJobs ?? 50_000)) {
        const oldest = order.shift();
        if (oldest === undefined) break;
        const evicted = jobs.get(oldest);
        jobs.delete(oldest);
        sequence.delete(oldest);
        if (evicted?.externalId != null) {
          const rest = (byExternalId.get(evicted.externalId) ?? []).filter((id) => id !== oldest);
          if (rest.length > 0) byExternalId.set(evicted.externalId, rest);
          else byExternalId.delete(evicted.externalId);
        }
        options.onEvict?.(oldest);
      }
      return job;
    },
    get(domain: string, id: string): Job | undefined {
      const job = jobs.get(id);
      return job && job.domainId === domain ? job : undefined;
    },
    /** Moves a job on unless it already reached a terminal status (a stopped job stays canceled). */
    transition(id: string, status: JobStatus, msg?: string | null): Job | undefined {
      const job = jobs.get(id);
      if (!job || TERMINAL_JOB_STATUSES.has(job.status)) return undefined;
      job.status = status;
      if (msg !== undefined) job.msg = msg;
      if (TERMINAL_JOB_STATUSES.has(status)) job.endDate = options.clock();
      return job;
    },
    list(domain: string, query: JobListQuery) {
      const filter = parseJobFilter(query.filter);
      const count = Math.min(Math.max(1, query.count ?? 20), 1000);
      const offset = Math.max(0, query.offset ?? 0);
      const ascending = /asc/i.test(query.sort ?? '');
      const selected: Job[] = [];
      const ids = candidatesFor(filter, ascending) ?? (ascending ? order : [...order].reverse());
      for (const id of ids) {
        const job = jobs.get(id);
        if (!job || job.domainId !== domain) continue;
        if (job.status === 'deleted' && !query.fetchDeleted) continue;
        if (![...filter].every(([key, wanted]) => jobMatches(job, key, wanted))) continue;
        selected.push(job);
      }
      return {
        status: 'success' as const,
        data: selected.slice(offset, offset + count),
        page: {
          pageSize: count,
          pageOffset: offset,
          totalElements: selected.length,
          totalPages: Math.ceil(selected.length / count),
          currentPageNumber: Math.floor(offset / count),
        },
      };
    },
  };
}

export type JobStore = ReturnType<typeof createJobStore>;
