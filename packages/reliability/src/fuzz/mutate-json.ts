import type { Prng } from '../create-prng.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type Container = JsonValue[] | { [key: string]: JsonValue };
type Slot = { parent: Container; key: string | number; path: string };

/** Every (parent, key) position in a JSON tree, so a mutation can target any field at any depth. */
function slotsOf(value: JsonValue, path = '', out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) {
    value.forEach((child, i) => {
      out.push({ parent: value, key: i, path: `${path}[${i}]` });
      slotsOf(child, `${path}[${i}]`, out);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      out.push({ parent: value, key, path: path ? `${path}.${key}` : key });
      slotsOf(child, path ? `${path}.${key}` : key, out);
    }
  }
  return out;
}

const get = (slot: Slot): JsonValue => (Array.isArray(slot.parent) ? slot.parent[slot.key as number]! : slot.parent[slot.key as string]!);
const set = (slot: Slot, value: JsonValue) => {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else slot.parent[slot.key as string] = value;
};

/** A value of a different JSON type than `current`. */
export function otherTypeValue(prng: Prng, current: JsonValue): JsonValue {
  const kinds = ['null', 'boolean', 'number', 'string', 'array', 'object'] as const;
  const kindOf = (v: JsonValue) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v) as (typeof kinds)[number];
  const choices = kinds.filter((k) => k !== kindOf(current));
  switch (prng.pick(choices)) {
    case 'null':
      return null;
    case 'boolean':
      return prng.chance(0.5);
    case 'number':
      return prng.pick([0, -1, 1.5, 2 ** 53 + 1, -1e308, 1e-300, 42]);
    case 'string':
      return prng.pick(['', ' ', 'not-a-number', '2026-13-45', '💥', '<script>alert(1)</script>', "'; DROP TABLE \"Store\"; --", '../../etc/passwd']);
    case 'array':
      return prng.pick([[], [1, 'two', null], [{}]]);
    case 'object':
      return prng.pick<JsonValue>([{}, { unexpected: true }, { nested: { deeper: [] } }]);
  }
}

/** `key`: a key the mutation added (extra field, prototype key), which an answer may name instead of the path. */
export type JsonMutation = { kind: string; path: string; key?: string; raw?: { token: string; text: string } };

const DEEP_TOKEN = '__reliability_deep_nesting__';

/** Serialises a mutated document, splicing in any raw text a mutation asked for. */
export function serialiseMutated(root: JsonValue, mutations: JsonMutation[]): string {
  let text = JSON.stringify(root);
  for (const m of mutations) if (m.raw) text = text.replace(m.raw.token, m.raw.text);
  return text;
}

/** Applies one structural mutation in place and says what it did (for reproduction). */
export function mutateJson(prng: Prng, root: JsonValue, kind: 'wrong-type' | 'missing-field' | 'huge-string' | 'deep-nesting' | 'null-char' | 'proto-key' | 'huge-number' | 'extra-field'): JsonMutation {
  const slots = slotsOf(root);
  if (slots.length === 0) return { kind, path: '' };
  const slot = prng.pick(slots);
  switch (kind) {
    case 'wrong-type':
      set(slot, otherTypeValue(prng, get(slot)));
      break;
    case 'missing-field':
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key as string];
      break;
    case 'huge-string': {
      // Under the 1 MiB body limit on purpose: the point is to reach validation and storage.
      const size = prng.pick([10_000, 100_000, 400_000]);
      set(slot, prng.pick(['a', 'é', '𝄞', '\u202e', ' ']).repeat(Math.floor(size / 2)));
      break;
    }
    case 'deep-nesting': {
      // Built as text: JSON.stringify itself would overflow the stack on thousands of levels.
      const depth = prng.pick([64, 1_000, 5_000, 20_000]);
      const open = Array.from({ length: depth }, () => (prng.chance(0.5) ? '[' : '{"d":'));
      const close = [...open].reverse().map((o) => (o === '[' ? ']' : '}'));
      set(slot, DEEP_TOKEN);
      return { kind, path: slot.path, raw: { token: JSON.stringify(DEEP_TOKEN), text: `${open.join('')}"bottom"${close.join('')}` } };
    }
    case 'null-char':
      // A NUL (or lone surrogate) is valid JSON text but not storable in a Postgres jsonb/text column.
      set(slot, prng.pick(['a\u0000b', '\u0000', 'x\ud800y', '\udfff', 'ok\u0000\u0001\u001f']));
      break;
    case 'proto-key': {
      const target = slot.parent;
      if (!Array.isArray(target)) {
        // JSON.parse creates an own "__proto__" property; assigning it here would not.
        const key = prng.pick(['__proto__', 'constructor', 'prototype']);
        Object.defineProperty(target, key, { value: { polluted: true, isAdmin: true }, enumerable: true, configurable: true, writable: true });
        return { kind, path: slot.path, key };
      }
      target.push({ constructor: { prototype: { polluted: true } } });
      return { kind, path: slot.path, key: 'constructor' };
    }
    case 'huge-number':
      set(slot, prng.pick([1e308, -1e308, 1.2345678901234568e29, Number.MAX_SAFE_INTEGER + 2, 5e-324]));
      break;
    case 'extra-field':
      if (!Array.isArray(slot.parent)) {
        const key = `unexpected_${prng.int(0, 999)}`;
        slot.parent[key] = otherTypeValue(prng, null);
        return { kind, path: slot.path, key };
      }
      slot.parent.push(otherTypeValue(prng, null));
      break;
  }
  return { kind, path: slot.path };
}
