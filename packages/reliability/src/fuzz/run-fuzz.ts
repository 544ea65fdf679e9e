import { createHash } from 'node:crypto';
import { createPrng } from '../create-prng.ts';
import { magentoHeaders, shopifyWebhookHeaders } from '../sign-requests.ts';
import { checkProblemNamed } from './expect-problem-named.ts';
import { FUZZ_TARGETS, generateMalformedRequest, type FuzzCase, type FuzzTarget } from './generate-malformed-request.ts';

export type FuzzProduct = {
  sidecarUrl: string;
  shopifyUrl: string;
  sandboxUrl: string;
  magento: { storeKey: string; secret: string };
  shopify: { shop: string; apiSecret: string };
};

export type RunFuzzOptions = {
  product: FuzzProduct;
  seed: number;
  count: number;
  concurrency?: number;
  /** Targets to exercise (default: all reachable). */
  targets?: readonly FuzzTarget[];
  requestTimeoutMs?: number;
  /** Stops early (reporting what ran) once this instant passes. */
  deadline?: number;
  onProgress?: (done: number) => void;
  /** Every request with its answer (exploration, reports). */
  onResult?: (c: FuzzCase, result: SendResult) => void;
};

type SendResult = { status: number | null; body: string; rejected: boolean; error?: string };

/** A signed Shopify webhook answered 200: stored as an event, or (header) as a rejected one. */
export type AcknowledgedWebhook = Pick<FuzzFailure, 'index' | 'category' | 'note'> & { eventId: string; expected: FuzzCase['expected'] };

export type FuzzFailure = { index: number; target: FuzzTarget; category: string; note: string; status: number | null; problem: string; body: string };

export type FuzzSummary = {
  seed: number;
  requested: number;
  sent: number;
  targets: FuzzTarget[];
  unreachable: Array<{ target: FuzzTarget; why: string }>;
  /** target → status → count */
  statuses: Record<string, Record<string, number>>;
  /** category → count */
  categories: Record<string, number>;
  failures: FuzzFailure[];
  /** Webhooks answered 200 with `X-Exstream-Connect-Rejected` (the mapper refused them): each must be stored with its reason. */
  webhooksRejected: AcknowledgedWebhook[];
  /** Webhooks answered 200 without it: each must be stored as an inbound event. */
  webhooksAccepted: AcknowledgedWebhook[];
  fiveXx: number;
  healthyAfter: boolean;
  durationMs: number;
};

export const SHOPIFY_SETTINGS_PATH = '/app/settings?_data=routes%2Fapp.settings';

/** The X-Shopify-Event-Id of fuzz request `index`: the stored inbound event is found by it. */
export const fuzzWebhookEventId = (seed: number, index: number) => `fuzz-${seed}-${index}`;

/**
 * What any 4xx must carry: a JSON body with an error message. Whether that message names THIS
 * request's problem is checked per request against its expectation (checkProblemNamed).
 */
export function describeProblem(status: number | null, body: string): string | null {
  if (status === null) return 'no response';
  if (status >= 500) return `server error ${status}`;
  if (status >= 300 && status < 400) return `unexpected redirect ${status}`;
  if (status < 400) return null;
  if (body.trim() === '') return `${status} with an empty body`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `${status} body is not JSON: ${body.slice(0, 80)}`;
  }
  const p = parsed as { error?: { message?: unknown } | string; message?: unknown };
  const message = typeof p.error === 'object' && p.error !== null ? p.error.message : typeof p.error === 'string' ? p.error : p.message;
  if (typeof message !== 'string' || message.trim() === '') return `${status} JSON names no problem: ${body.slice(0, 120)}`;
  return null;
}

/**
 * The signing instant of a sidecar request: now, or a second earlier (down to 290 s back, inside
 * the 300 s window) when this exact method + path + body was already signed at that second. Two
 * identical bodies (two empty PUTs) in one second would otherwise carry the same signature, and
 * the sidecar's replay guard rightly refuses the second write: the real module signs each request
 * afresh, and so does this.
 */
function signingInstant(used: Set<string>, method: string, path: string, body: Buffer): number {
  const digest = createHash('sha256').update(`${method} ${path} `).update(body).digest('hex');
  const now = Math.floor(Date.now() / 1000);
  for (let t = now; t > now - 290; t--) {
    if (!used.has(`${t}:${digest}`)) {
      used.add(`${t}:${digest}`);
      return t;
    }
  }
  return now;
}

async function send(product: FuzzProduct, c: FuzzCase, seed: number, timeoutMs: number, signed: Set<string>): Promise<SendResult> {
  const headers: Record<string, string> = {};
  let url: string;
  let method = 'POST';
  switch (c.target) {
    case 'sidecar-events':
    case 'sidecar-settings': {
      const path = c.target === 'sidecar-events' ? '/v1/events' : '/v1/settings';
      method = c.target === 'sidecar-events' ? 'POST' : 'PUT';
      url = product.sidecarUrl + path;
      Object.assign(headers, magentoHeaders(product.magento.storeKey, product.magento.secret, { method, path, body: c.body }, signingInstant(signed, method, path, c.body)));
      break;
    }
    case 'shopify-webhook':
      url = `${product.shopifyUrl}/webhooks/commerce`;
      Object.assign(headers, shopifyWebhookHeaders({ shop: product.shopify.shop, topic: c.topic ?? 'orders/create', secret: product.shopify.apiSecret, body: c.body, eventId: fuzzWebhookEventId(seed, c.index) }));
      break;
    case 'shopify-settings':
      url = product.shopifyUrl + SHOPIFY_SETTINGS_PATH;
      break;
  }
  if (c.contentType === null) delete headers['content-type'];
  else headers['content-type'] = c.contentType;
  try {
    const response = await fetch(url, { method, headers, body: c.body, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    return { status: response.status, body: await response.text(), rejected: response.headers.has('x-exstream-connect-rejected') };
  } catch (error) {
    // fetch() says only "fetch failed"; the cause (ECONNRESET, EPIPE, "other side closed") is what tells a reset from a timeout.
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const detail = cause ? ` (${[cause.code, cause.message].filter(Boolean).join(': ')})` : '';
    return { status: null, body: '', rejected: false, error: `${(error as Error).message}${detail}` };
  }
}

/** Whether the Shopify settings action answers without Shopify (local mode). */
async function shopifySettingsReachable(product: FuzzProduct): Promise<string | null> {
  try {
    const response = await fetch(product.shopifyUrl + SHOPIFY_SETTINGS_PATH, { redirect: 'manual', signal: AbortSignal.timeout(20_000) });
    const text = await response.text();
    if (response.status === 200 && text.includes('settings')) return null;
    return `GET ${SHOPIFY_SETTINGS_PATH} answered ${response.status} (local mode off?)`;
  } catch (error) {
    return (error as Error).message;
  }
}

async function healthy(product: FuzzProduct): Promise<boolean> {
  const ok = async (url: string) => {
    try {
      return (await fetch(url, { signal: AbortSignal.timeout(10_000) })).status === 200;
    } catch {
      return false;
    }
  };
  return (await ok(`${product.sidecarUrl}/healthz`)) && (await ok(`${product.shopifyUrl}/healthz`));
}

/**
 * Sends `count` generated malformed requests, round-robin over the targets, `concurrency` at a
 * time. A failure is any 5xx, a dropped connection, a redirect, or a 4xx whose body does not name
 * this request's problem (its field, or the parse / size / content-type problem it was built
 * with); every failure carries its index, category and note for reproduction with the seed.
 * Webhooks answered 200 are listed, so the caller can check what the product stored for them.
 */
export async function runFuzz(options: RunFuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  const unreachable: FuzzSummary['unreachable'] = [];
  let targets = [...(options.targets ?? FUZZ_TARGETS)];
  if (targets.includes('shopify-settings')) {
    const why = await shopifySettingsReachable(options.product);
    if (why) {
      unreachable.push({ target: 'shopify-settings', why });
      targets = targets.filter((t) => t !== 'shopify-settings');
    }
  }
  const prng = createPrng(options.seed);
  // Generated lazily (bodies reach megabytes) but always in index order from one PRNG stream,
  // so case N is the same for a given seed whatever the concurrency.
  const take = (i: number): FuzzCase => generateMalformedRequest(prng, i, targets[i % targets.length]!, { sandboxUrl: options.product.sandboxUrl });

  const statuses: FuzzSummary['statuses'] = {};
  const categories: FuzzSummary['categories'] = {};
  const failures: FuzzFailure[] = [];
  const webhooksRejected: AcknowledgedWebhook[] = [];
  const webhooksAccepted: AcknowledgedWebhook[] = [];
  const signed = new Set<string>();
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < options.count) {
      if (options.deadline !== undefined && Date.now() > options.deadline) return;
      const c = take(next++);
      const result = await send(options.product, c, options.seed, options.requestTimeoutMs ?? 30_000, signed);
      sent++;
      const byTarget = (statuses[c.target] ??= {});
      const key = result.status === null ? 'error' : String(result.status);
      byTarget[key] = (byTarget[key] ?? 0) + 1;
      categories[c.category] = (categories[c.category] ?? 0) + 1;
      let problem = result.status === null ? `no response: ${result.error}` : describeProblem(result.status, result.body);
      if (!problem && result.status !== null && result.status >= 400) problem = checkProblemNamed(c.expected, result.status, result.body);
      if (c.target === 'shopify-webhook' && result.status === 200) {
        (result.rejected ? webhooksRejected : webhooksAccepted).push({ index: c.index, category: c.category, note: c.note, eventId: fuzzWebhookEventId(options.seed, c.index), expected: c.expected });
      }
      if (problem) failures.push({ index: c.index, target: c.target, category: c.category, note: c.note, status: result.status, problem, body: result.body.slice(0, 300) });
      options.onResult?.(c, result);
      options.onProgress?.(sent);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  const fiveXx = Object.values(statuses).reduce((sum, byStatus) => sum + Object.entries(byStatus).filter(([s]) => Number(s) >= 500).reduce((a, [, n]) => a + n, 0), 0);
  return {
    seed: options.seed,
    requested: options.count,
    sent,
    targets,
    unreachable,
    statuses,
    categories,
    failures,
    webhooksRejected,
    webhooksAccepted,
    fiveXx,
    healthyAfter: await healthy(options.product),
    durationMs: Date.now() - started,
  };
}
