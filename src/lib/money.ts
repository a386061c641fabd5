/**
 * Money: US dollars on the wire as JSON numbers with at most 2 decimals, integer cents everywhere else.
 * Floats never reach the database or arithmetic: a wire amount is checked by its decimal text, then turned
 * into cents once, here.
 */
import { z } from '@hono/zod-openapi';

/** The most a single task may hold, in USD (the contract's cap). */
export const MAX_TASK_USD = 100_000;
export const MAX_TASK_CENTS = MAX_TASK_USD * 100;

export type UsdCheck = { ok: true; cents: number } | { ok: false; message: string };

/**
 * Validates a wire amount and converts it to cents. `String(n)` is the shortest text that round-trips the
 * double, so "at most 2 decimals" is a property of that text (49.99 passes; 49.999 and 1e-7 do not), which
 * avoids the binary-fraction traps of checking `n * 100` (49.99 * 100 = 4998.999...).
 */
export function usdToCents(value: unknown, maxUsd = MAX_TASK_USD): UsdCheck {
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, message: 'Must be a number of US dollars.' };
  if (value <= 0) return { ok: false, message: 'Must be greater than 0.' };
  if (value > maxUsd) return { ok: false, message: `Must be at most ${maxUsd} USD.` };
  if (!/^\d+(\.\d{1,2})?$/.test(String(value))) return { ok: false, message: 'Use at most 2 decimal places.' };
  return { ok: true, cents: Math.round(value * 100) };
}

/** Cents to the wire's USD number (exact for every integer cent amount below 2^53 / 100). */
export function centsToUsd(cents: number): number {
  return cents / 100;
}

/** Cents as people read them on a page: `$49.99`. */
export function formatUsd(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}

/** Cents as error messages state an amount: `20.00 USD`. */
export function usdText(cents: number): string {
  return `${(cents / 100).toFixed(2)} USD`;
}

/** Throws when the amount was not validated first; for values that already passed `usdAmount()`. */
export function toCents(value: number): number {
  const checked = usdToCents(value, Number.MAX_SAFE_INTEGER / 100);
  if (!checked.ok) throw new Error(`not a valid USD amount: ${value}`);
  return checked.cents;
}

/** Zod schema for a USD amount in a request body: the rules above, reported on the field that broke them. */
export function usdAmount(maxUsd = MAX_TASK_USD) {
  return z
    .number()
    .superRefine((value, ctx) => {
      const checked = usdToCents(value, maxUsd);
      if (!checked.ok) ctx.addIssue({ code: 'custom', message: checked.message });
    })
    .openapi({ description: `US dollars, at most 2 decimals, greater than 0 and at most ${maxUsd}.`, example: 15 });
}
