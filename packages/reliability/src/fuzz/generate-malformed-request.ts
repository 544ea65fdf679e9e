import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Prng } from '../create-prng.ts';
import { buildMagentoEnvelope } from '../payloads/build-magento-envelope.ts';
import { buildShopifyOrder } from '../payloads/build-shopify-order.ts';
import { REPO_ROOT } from '../start-product.ts';
import { PROBLEM_TEXT, mutationFields, type ProblemExpectation } from './expect-problem-named.ts';
import { mutateJson, serialiseMutated, type JsonValue } from './mutate-json.ts';

export const FUZZ_TARGETS = ['sidecar-events', 'shopify-webhook', 'sidecar-settings', 'shopify-settings'] as const;
export type FuzzTarget = (typeof FUZZ_TARGETS)[number];

export const FUZZ_CATEGORIES = [
  'wrong-type',
  'missing-field',
  'huge-string',
  'deep-nesting',
  'null-char',
  'proto-key',
  'huge-number',
  'extra-field',
  'invalid-utf8',
  'wrong-content-type',
  'oversize',
  'truncated-json',
  'empty-body',
  'non-object-root',
  'garbage-bytes',
] as const;
export type FuzzCategory = (typeof FUZZ_CATEGORIES)[number];

/**
 * One generated request, before signing: the sender signs `body` exactly as it is (a valid
 * signature over a malformed body), so the request gets past authentication and reaches
 * parsing and validation, which is what is under test.
 */
export type FuzzCase = {
  index: number;
  target: FuzzTarget;
  category: FuzzCategory;
  /** What was changed (path, size), printed with a failure so it can be reproduced. */
  note: string;
  contentType: string | null;
  body: Buffer;
  /** Shopify webhook topic (shopify-webhook only). */
  topic?: string;
  /** What a 4xx answer must name (checked by run-fuzz). */
  expected: ProblemExpectation;
};

export type FuzzContext = { sandboxUrl: string };

// Weighted towards the structural mutations that reach validation; the oversize bodies are few
// (each is 1.5 MiB) so a 10,000-request run stays quick.
const WEIGHTS: Array<[FuzzCategory, number]> = [
  ['wrong-type', 20],
  ['missing-field', 14],
  ['huge-string', 5],
  ['deep-nesting', 5],
  ['null-char', 8],
  ['proto-key', 5],
  ['huge-number', 5],
  ['extra-field', 6],
  ['invalid-utf8', 6],
  ['wrong-content-type', 6],
  ['oversize', 1],
  ['truncated-json', 8],
  ['empty-body', 3],
  ['non-object-root', 4],
  ['garbage-bytes', 4],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

function pickCategory(prng: Prng): FuzzCategory {
  let roll = prng.next() * TOTAL_WEIGHT;
  for (const [category, weight] of WEIGHTS) {
    roll -= weight;
    if (roll < 0) return category;
  }
  return 'wrong-type';
}

/** Webhook topics and their valid payloads: each topic gets a body of its own shape (a refund for refunds/create…). */
const WEBHOOK_TOPICS = ['orders/create', 'orders/create', 'orders/paid', 'orders/cancelled', 'refunds/create', 'fulfillments/create'] as const;
const SHOPIFY_FIXTURES = path.join(REPO_ROOT, 'packages', 'core', 'test', 'fixtures', 'shopify');
const fixtureCache = new Map<string, JsonValue>();
/** Core's recorded Shopify payloads (the ones its mapper tests use), read once. */
function shopifyFixture(file: string): JsonValue {
  let value = fixtureCache.get(file);
  if (value === undefined) {
    value = JSON.parse(readFileSync(path.join(SHOPIFY_FIXTURES, file), 'utf8')) as JsonValue;
    fixtureCache.set(file, value);
  }
  return structuredClone(value);
}

function validWebhook(topic: string, n: number): JsonValue {
  const orderId = 7_000_000_000 + n;
  switch (topic) {
    case 'refunds/create':
      return { ...(shopifyFixture('refunds-create.json') as Record<string, JsonValue>), order_id: orderId };
    case 'fulfillments/create':
      return { ...(shopifyFixture('fulfillments-create.json') as Record<string, JsonValue>), order_id: orderId };
    default:
      return buildShopifyOrder({ orderId, orderNumber: n, email: `fuzz.${n}@example.com`, customerId: n, cancelled: topic === 'orders/cancelled' }) as JsonValue;
  }
}

function validDocument(prng: Prng, target: FuzzTarget, ctx: FuzzContext, topic: string | undefined): JsonValue {
  const n = prng.int(1, 9_999_999);
  switch (target) {
    case 'sidecar-events': {
      const envelope = buildMagentoEnvelope({ event: prng.pick(['order.placed', 'order.invoiced', 'creditmemo.created'] as const), storeCode: 'default', orderEntityId: n, email: `fuzz.${n}@example.com` });
      return { ...envelope, id: `fuzz-${n}-${prng.int(0, 999_999_999)}` } as JsonValue;
    }
    case 'shopify-webhook':
      return validWebhook(topic ?? 'orders/create', n);
    case 'sidecar-settings':
    case 'shopify-settings':
      return {
        connection: {
          baseUrl: ctx.sandboxUrl,
          domain: 'demo',
          tokenUrl: `${ctx.sandboxUrl}/otdsws/oauth2/token`,
          clientId: 'sandbox',
          // Always sent: a request that removed the connection (connection: null is valid) would
          // otherwise make every later one fail on "clientSecret required", whatever it broke.
          clientSecret: 'sandbox-secret',
          defaultCommunicationId: 'order-confirmation',
        },
        rules: [{ eventKind: 'order.placed', documentType: 'order_confirmation', channel: 'email', locale: null, communicationId: 'order-confirmation', templateVersion: '1', priority: 0 }],
        defaults: { brand: 'default', locale: 'en', channel: 'email' },
        dryRun: false,
      };
  }
}

const INVALID_UTF8 = [Buffer.from([0xc3, 0x28]), Buffer.from([0xff, 0xfe]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from([0xe2, 0x82])];

/** Splices invalid UTF-8 bytes inside a JSON string value, keeping the JSON structure intact. */
function withInvalidUtf8(prng: Prng, json: string): Buffer {
  const quotes: number[] = [];
  for (let i = 0; i < json.length && quotes.length < 400; i++) if (json[i] === '"') quotes.push(i);
  const at = quotes.length > 0 ? prng.pick(quotes) + 1 : 0;
  const bytes = Buffer.from(json, 'utf8');
  const offset = Buffer.byteLength(json.slice(0, at), 'utf8');
  return Buffer.concat([bytes.subarray(0, offset), prng.pick(INVALID_UTF8), bytes.subarray(offset)]);
}

/** The Shopify settings page posts forms (Remix action), not JSON: mutate the form fields. */
type Generated = { body: Buffer; contentType: string | null; note: string; expected: ProblemExpectation };

const expectFields = (fields: string[], extra?: { what: string; patterns: readonly string[] }): ProblemExpectation => ({
  what: extra?.what ?? 'the field',
  fields,
  patterns: [...(extra?.patterns ?? [])],
});
const expectText = (text: { what: string; patterns: readonly string[] }): ProblemExpectation => ({ what: text.what, fields: [], patterns: [...text.patterns] });

function settingsForm(prng: Prng, category: FuzzCategory, doc: JsonValue): Generated {
  const d = doc as { connection: Record<string, string>; rules: JsonValue };
  const intent = prng.pick(['connection', 'rules', 'toggles', 'preview', 'test-connection']);
  const fields: Record<string, string> = { intent };
  if (intent === 'connection') Object.assign(fields, { ...d.connection, clientSecret: 'fuzz-client-secret-value' });
  if (intent === 'rules') fields.rules = JSON.stringify(d.rules);
  if (intent === 'toggles') Object.assign(fields, { dryRun: 'on', tagOnFailure: 'on' });
  if (intent === 'preview') Object.assign(fields, { topic: 'orders/create', locale: 'fr-CA', country: 'FR', tags: 'vip', sku: 'SKU-1' });
  const names = Object.keys(fields);
  let note = `intent=${intent}`;
  let expected: ProblemExpectation;
  switch (category) {
    case 'wrong-type':
    case 'extra-field': {
      const name = prng.pick(names);
      fields[name] = prng.pick(['[]', '{}', 'null', '12', 'true', '{"a":', 'not a url', '-1']);
      note += ` ${name}=${fields[name]}`;
      expected = expectFields([name]);
      if (intent === 'rules' && prng.chance(0.5)) {
        const rules = structuredClone(d.rules);
        const mutation = mutateJson(prng, rules, 'wrong-type');
        note += ` rules:${mutation.path}`;
        fields.rules = JSON.stringify(rules);
        expected = expectFields([...new Set([name, ...mutationFields([mutation])])]);
      }
      break;
    }
    case 'missing-field': {
      const name = prng.pick(names);
      delete fields[name];
      note += ` without ${name}`;
      expected = expectFields([name]);
      break;
    }
    case 'huge-string':
    case 'oversize': {
      const name = prng.pick(names);
      fields[name] = 'x'.repeat(category === 'oversize' ? 1_600_000 : prng.pick([5_000, 200_000]));
      note += ` ${name} huge`;
      expected = expectFields([name], PROBLEM_TEXT.size);
      break;
    }
    case 'deep-nesting':
      fields.intent = 'rules';
      fields.rules = '['.repeat(prng.pick([100, 3_000])) + ']'.repeat(prng.pick([0, 100]));
      note = 'rules deeply nested';
      expected = expectFields(['rules'], PROBLEM_TEXT.depth);
      break;
    case 'null-char':
    case 'proto-key':
    case 'huge-number': {
      const name = prng.pick(names);
      fields[name] = prng.pick(['a\u0000b', '__proto__', '1e309', '\ud800']);
      note += ` ${name} odd`;
      expected = expectFields([name]);
      break;
    }
    case 'truncated-json':
      fields.intent = 'rules';
      fields.rules = JSON.stringify(d.rules).slice(0, prng.int(1, 40));
      note = 'rules truncated';
      expected = expectFields(['rules'], PROBLEM_TEXT.json);
      break;
    case 'empty-body':
      // No content type → 415; an empty form → the required intent.
      return { body: Buffer.alloc(0), contentType: prng.pick(['application/x-www-form-urlencoded', null]), note: 'empty body', expected: expectFields(['intent'], PROBLEM_TEXT.contentType) };
    case 'non-object-root':
    case 'wrong-content-type': {
      const contentType = prng.pick(['application/json', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x']);
      // A multipart body that is not multipart: "the form body could not be parsed".
      return { body: Buffer.from(JSON.stringify(fields)), contentType, note: `form as ${contentType}`, expected: expectText({ what: 'the content type', patterns: [...PROBLEM_TEXT.contentType.patterns, 'pars'] }) };
    }
    case 'invalid-utf8':
    case 'garbage-bytes':
      // Only intent and a broken baseUrl arrive: the answer names a field of that form, or the encoding.
      return {
        body: Buffer.concat([Buffer.from(`intent=${intent}&baseUrl=`), prng.pick(INVALID_UTF8), Buffer.from('%ZZ%&&==&')]),
        contentType: 'application/x-www-form-urlencoded',
        note: 'invalid bytes / escapes',
        expected: expectFields([...names, 'baseUrl'], { what: 'the encoding', patterns: ['utf-?8', 'encod', 'pars'] }),
      };
  }
  return { body: Buffer.from(new URLSearchParams(fields).toString()), contentType: 'application/x-www-form-urlencoded', note, expected };
}

/** Generates the `index`-th malformed request for `target`; same seed + index → same request. */
export function generateMalformedRequest(prng: Prng, index: number, target: FuzzTarget, ctx: FuzzContext): FuzzCase {
  const category = pickCategory(prng);
  const topic = target === 'shopify-webhook' ? prng.pick(WEBHOOK_TOPICS) : undefined;
  const doc = validDocument(prng, target, ctx, topic);
  const base = { index, target, category, ...(topic ? { topic } : {}) };
  if (target === 'shopify-settings') return { ...base, ...settingsForm(prng, category, doc) };

  const json = 'application/json';
  switch (category) {
    case 'wrong-type':
    case 'missing-field':
    case 'huge-string':
    case 'deep-nesting':
    case 'null-char':
    case 'proto-key':
    case 'huge-number':
    case 'extra-field': {
      const mutations = [mutateJson(prng, doc, category)];
      // Sometimes several faults at once: validators must report them all without tripping.
      if (prng.chance(0.25)) mutations.push(mutateJson(prng, doc, prng.pick(['wrong-type', 'missing-field'] as const)));
      const fields = mutationFields(mutations);
      const expected =
        category === 'deep-nesting' ? expectFields(fields, PROBLEM_TEXT.depth) : category === 'proto-key' ? expectFields(fields, PROBLEM_TEXT.forbiddenKey) : expectFields(fields);
      return { ...base, contentType: json, body: Buffer.from(serialiseMutated(doc, mutations)), note: mutations.map((m) => `${m.kind}@${m.path || '(root)'}`).join(', '), expected };
    }
    case 'invalid-utf8':
      return { ...base, contentType: json, body: withInvalidUtf8(prng, JSON.stringify(doc)), note: 'invalid UTF-8 inside a string', expected: expectText(PROBLEM_TEXT.encoding) };
    case 'wrong-content-type': {
      const contentType = prng.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=zz', 'application/octet-stream', null]);
      return { ...base, contentType, body: Buffer.from(JSON.stringify(doc)), note: `content-type ${contentType ?? '(none)'}`, expected: expectText(PROBLEM_TEXT.contentType) };
    }
    case 'oversize': {
      const padded = { ...(doc as Record<string, JsonValue>), padding: 'p'.repeat(1_600_000) };
      return { ...base, contentType: json, body: Buffer.from(JSON.stringify(padded)), note: '1.6 MB body', expected: expectFields(['padding'], PROBLEM_TEXT.size) };
    }
    case 'truncated-json': {
      const text = JSON.stringify(doc);
      const cut = prng.int(0, text.length - 1);
      return { ...base, contentType: json, body: Buffer.from(text.slice(0, cut)), note: `cut at ${cut}/${text.length}`, expected: expectText(PROBLEM_TEXT.json) };
    }
    case 'empty-body':
      return { ...base, contentType: prng.pick([json, null]), body: Buffer.alloc(0), note: 'empty body', expected: expectText({ what: 'the missing body or content type', patterns: [...PROBLEM_TEXT.empty.patterns, ...PROBLEM_TEXT.contentType.patterns] }) };
    case 'non-object-root': {
      const root = prng.pick(['[]', '"text"', '42', 'null', 'true', '[{"id":"x"}]', '{}']);
      // `{}` is an object: its answer names a field it lacks (one of the valid document's).
      const lacking = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? Object.keys(doc) : [];
      const expected = root === '{}' ? expectFields(lacking, { what: 'the missing fields', patterns: ['required', 'missing'] }) : expectText(PROBLEM_TEXT.root);
      return { ...base, contentType: json, body: Buffer.from(root), note: `root ${root}`, expected };
    }
    case 'garbage-bytes': {
      const size = prng.int(1, 2048);
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = prng.int(0, 255);
      // Random bytes are rarely UTF-8, rarer JSON; a lone digit or "[]" would be a wrong root.
      return { ...base, contentType: json, body: bytes, note: `${size} random bytes`, expected: expectText({ what: 'a parse / encoding error', patterns: [...PROBLEM_TEXT.json.patterns, ...PROBLEM_TEXT.encoding.patterns, ...PROBLEM_TEXT.root.patterns] }) };
    }
  }
}
