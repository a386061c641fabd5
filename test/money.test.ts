import { describe, expect, it } from 'vitest';
import { centsToUsd, usdToCents } from '../src/lib/money';

describe('money: USD on the wire, integer cents inside', () => {
  it.each([
    [15, 1500],
    [49.99, 4999],
    [0.29, 29],
    [0.01, 1],
    [1.1, 110],
    [100000, 10_000_000],
  ])('%d USD is %d cents', (usd, cents) => {
    expect(usdToCents(usd)).toEqual({ ok: true, cents });
    expect(centsToUsd(cents)).toBe(usd);
  });

  it.each([
    [0, 'greater than 0'],
    [-5, 'greater than 0'],
    [10.005, '2 decimal'],
    [1e-7, '2 decimal'],
    [0.001, '2 decimal'],
    [100000.01, 'at most'],
    [Number.NaN, 'number'],
    [Number.POSITIVE_INFINITY, 'number'],
    ['15', 'number'],
    [null, 'number'],
  ])('%s is refused (%s)', (value, message) => {
    const checked = usdToCents(value);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.message).toContain(message);
  });
});
