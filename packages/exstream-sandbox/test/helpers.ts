import { startSandbox, type Sandbox, type StartSandboxOptions } from '../src/index.ts';

export const ORCH = '/orchestration/api/v1';

export async function withSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ port: 0, dataDir: null, ...options });
}

/** A client_credentials token; `path` picks another token URL shape (e.g. a tenant's). */
export async function getToken(sandbox: Sandbox, form: Record<string, string> = {}, path?: string): Promise<string> {
  const res = await fetch(path ? `${sandbox.url}${path}` : sandbox.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sandbox', client_secret: 'sandbox-secret', ...form }),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

/** fetch against the sandbox root with a bearer token. */
export function call(sandbox: Sandbox, token: string, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${sandbox.url}${path}`, { ...init, headers });
}

export function generate(sandbox: Sandbox, token: string, data: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(sandbox, token, `${ORCH}/inputs/ondemand/${sandbox.domain}/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', communicationId: 'comm-order-confirmation', driverDataSource: 'prodDsn', ...headers },
    body: typeof data === 'string' ? data : JSON.stringify(data),
  });
}

type JobBody = { status: string; data: { id: string; status: string; msg: string | null; externalId: string | null; mode: string; channel: string; recordCount: number; startDate: number; endDate: number | null } };

export async function getJob(sandbox: Sandbox, token: string, id: string): Promise<JobBody['data']> {
  const res = await call(sandbox, token, `${ORCH}/runtime/${sandbox.domain}/jobs/${id}`);
  if (res.status !== 200) throw new Error(`job lookup failed: ${res.status}`);
  return ((await res.json()) as JobBody).data;
}

/** Polls a job until it reaches a terminal status; bounded in attempts. */
export async function waitForJob(sandbox: Sandbox, token: string, id: string, maxPolls = 200): Promise<JobBody['data']> {
  for (let i = 0; i < maxPolls; i++) {
    const job = await getJob(sandbox, token, id);
    if (['complete', 'error', 'canceled', 'deleted'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not finish after ${maxPolls} polls`);
}
