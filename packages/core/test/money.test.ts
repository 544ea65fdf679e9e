import { describe, expect, it } from 'vitest';
import { addDecimals, compareDecimals, negateDecimal, toDecimal } from '../src/index.ts';

describe('money as decimal strings', () => {
  it('normalises platform amounts without float artefacts', () => {
    expect(toDecimal(0.1 + 0.2)).toBe('0.30');
    expect(toDecimal('12.5000')).toBe('12.50');
    expect(toDecimal(275.94)).toBe('275.94');
    expect(toDecimal(1200)).toBe('1200.00');
    expect(toDecimal('0.14975')).toBe('0.14975');
    expect(toDecimal('abc')).toBe('0.00');
  });

  it('adds, negates and compares exactly', () => {
    expect(addDecimals('387.00', '154.80', '21.50')).toBe('563.30');
    expect(addDecimals('-21.50', '-4.02')).toBe('-25.52');
    expect(addDecimals('0.1', '0.2')).toBe('0.30');
    expect(negateDecimal('5.00')).toBe('-5.00');
    expect(negateDecimal('0.00')).toBe('0.00');
    expect(compareDecimals('20.87', '275.94')).toBe(-1);
    expect(compareDecimals('1.10', '1.1')).toBe(0);
  });
});
