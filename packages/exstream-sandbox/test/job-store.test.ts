import { describe, expect, it } from 'vitest';
import { createJobStore } from '../src/job-store.ts';

/** A store with jobs created in order: one per externalId given (null = no externalId). */
function storeWith(externalIds: Array<string | null>, options: { maxJobs?: number; domain?: (i: number) => string } = {}) {
  let now = 1_000;
  const evicted: string[] = [];
  const store = createJobStore({ clock: () => (now += 1), maxJobs: options.maxJobs, onEvict: (id) => evicted.push(id) });
  const ids = externalIds.map((externalId, i) => store.create({ domainId: options.domain?.(i) ?? 'demo', channel: 'ondemand', mode: 'ONDEMAND', status: 'complete', externalId: externalId ?? undefined }).id);
  return { store, ids, evicted };
}

const idsOf = (page: { data: Array<{ id: string }> }) => page.data.map((job) => job.id);

describe('job store: lookups by externalId', () => {
  it('finds the jobs of one key, of a comma list of keys, and of a key that itself holds a comma, in the list order', () => {
    const { store, ids } = storeWith(['k-1', 'k-2', null, 'k-1', 'a,b', 'k-3']);
    expect(idsOf(store.list('demo', { filter: 'externalId:k-1' }))).toEqual([ids[3], ids[0]]);
    expect(idsOf(store.list('demo', { filter: 'externalId:k-1', sort: 'startDate,asc' }))).toEqual([ids[0], ids[3]]);
    expect(idsOf(store.list('demo', { filter: 'externalId:k-2, k-3', sort: 'asc' }))).toEqual([ids[1], ids[5]]);
    expect(idsOf(store.list('demo', { filter: 'externalId:a,b' }))).toEqual([ids[4]]);
    expect(store.list('demo', { filter: 'externalId:nope' })).toMatchObject({ data: [], page: { totalElements: 0 } });
  });

  it('keeps the other filters and the domain: a key matches only jobs of the asked domain and status', () => {
    const { store, ids } = storeWith(['same', 'same', 'same'], { domain: (i) => (i === 1 ? 'other' : 'demo') });
    expect(idsOf(store.list('demo', { filter: 'externalId:same' }))).toEqual([ids[2], ids[0]]);
    expect(idsOf(store.list('other', { filter: 'externalId:same' }))).toEqual([ids[1]]);
    expect(idsOf(store.list('demo', { filter: 'externalId:same;statuses:complete', count: 1 }))).toEqual([ids[2]]);
    expect(idsOf(store.list('demo', { filter: 'statuses:error;externalId:same' }))).toEqual([]);
  });

  it('forgets evicted jobs: the index never answers with a job the store no longer holds', () => {
    const { store, ids, evicted } = storeWith(['old', 'kept', 'old', 'new'], { maxJobs: 2 });
    expect(evicted).toEqual([ids[0], ids[1]]);
    expect(idsOf(store.list('demo', { filter: 'externalId:old' }))).toEqual([ids[2]]);
    expect(idsOf(store.list('demo', { filter: 'externalId:kept' }))).toEqual([]);
    expect(idsOf(store.list('demo', { filter: 'externalId:new' }))).toEqual([ids[3]]);
  });
});
