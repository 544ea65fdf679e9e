import type { TMoney } from './commerce-event.ts';

// Decimal arithmetic on strings via scaled BigInt: money never passes through a float sum.

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Largest magnitude accepted for an amount sent as a JSON number (platform schemas bound it). */
export const MAX_AMOUNT = 1e15;

/** A platform amount (number or numeric string) → decimal string with at least 2 places. */
export function toDecimal(value: unknown, fallback = '0.00'): string {
  if (typeof value === 'string' && DECIMAL.test(value.trim())) return withMinScale(trimZeros(value.trim()));
  // |value| ≥ 1e21 would print in exponent form ("1e+21"), which is no decimal.
  if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_AMOUNT) {
    // Platform numbers carry at most 4 places (Magento's DECIMAL(20,4)); toFixed(4) then trimming
    // avoids binary artefacts such as 0.30000000000000004.
    return withMinScale(trimZeros(value.toFixed(4)));
  }
  return fallback;
}

export function money(amount: unknown, currency: string): TMoney {
  return { amount: toDecimal(amount), currency };
}

export function addDecimals(...values: string[]): string {
  const scale = Math.max(2, ...values.map(scaleOf));
  const total = values.reduce((sum, v) => sum + toScaled(v, scale), 0n);
  return fromScaled(total, scale);
}

export function negateDecimal(value: string): string {
  return value.startsWith('-') ? value.slice(1) : isZero(value) ? value : `-${value}`;
}

export function absDecimal(value: string): string {
  return value.startsWith('-') ? value.slice(1) : value;
}

export function compareDecimals(a: string, b: string): number {
  const scale = Math.max(scaleOf(a), scaleOf(b));
  const d = toScaled(a, scale) - toScaled(b, scale);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function isZero(value: string): boolean {
  return /^-?0+(\.0+)?$/.test(value);
}

function scaleOf(value: string): number {
  const dot = value.indexOf('.');
  return dot === -1 ? 0 : value.length - dot - 1;
}

function toScaled(value: string, scale: number): bigint {
  const negative = value.startsWith('-');
  const [int, frac = ''] = (negative ? value.slice(1) : value).split('.');
  const scaled = BigInt(`${int}${frac.padEnd(scale, '0')}`);
  return negative ? -scaled : scaled;
}

function fromScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const text = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

function withMinScale(value: string): string {
  const scale = scaleOf(value);
  if (scale >= 2) return value;
  return scale === 0 ? `${value}.00` : `${value}0`;
}

function trimZeros(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

export function multiplyDecimal(value: string, quantity: number): string {
  const scale = Math.max(2, scaleOf(value));
  return fromScaled(toScaled(value, scale) * BigInt(Math.trunc(quantity)), scale);
}

export function subtractDecimals(a: string, b: string): string {
  return addDecimals(a, negateDecimal(b));
}
