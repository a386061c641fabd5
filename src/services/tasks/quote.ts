/**
 * A quote: what a task would cost and pay out, and what posting and funding it would be refused for, before anything
 * exists. Nothing here has a rule of its own: the figures are releaseSplit (what approval posts to the ledger), the
 * funding rules are checkFundingAmount (what a checkout checks), the limits are spendingLimitRefusals (what create and
 * checkout enforce), the callback URL is assertDeliveryUrl (what create checks). It reads, never writes.
 */
import type { Caller } from '../../context';
import type { Db } from '../../db/client';
import type { AppEnv } from '../../env';
import { ApiError, type ErrorCode, type ErrorDetail } from '../../lib/errors';
import { checkFundingAmount } from '../payments/checkout';
import { platformFeeBps } from '../payments/config';
import { releaseSplit, type ReleaseSplit } from '../payments/escrow';
import { spendingLimitRefusals } from '../spending-limits';
import { assertDeliveryUrl } from '../webhooks/urls';

/** The money of the task to quote, when the request's amounts were valid enough to price. */
export interface QuoteAmounts {
  budgetCents: number;
  budgetType: 'fixed' | 'hourly';
  /** What the client means to fund; absent: the budget. */
  fundingCents?: number;
}

export interface QuoteInput {
  /** Null when budget_amount, budget_type or funding_amount failed the schema: there is nothing to price. */
  amounts: QuoteAmounts | null;
  callbackUrl: string | null;
  /** What the request's schema refused (400 VALIDATION_ERROR on a real request), field by field. */
  invalid: ErrorDetail[];
}

/** One refusal a real request would get: its error code and the field at fault. */
export interface QuoteError extends ErrorDetail {
  code: ErrorCode;
}

export interface Quote {
  amounts: QuoteAmounts | null;
  /** What goes into escrow: the funding amount, or the budget. */
  fundedCents: number | null;
  feeBps: number;
  /** How approval would divide that escrow. */
  release: ReleaseSplit | null;
  errors: QuoteError[];
}

/** A quote names the funding field funding_amount; the checkout's rules and limits call it amount. */
const QUOTE_PATH: Record<string, string> = { amount: 'funding_amount' };

/** A refusal a service would throw, as a quote lists it: its code, the field it names, its sentence. */
function refusalOf(check: () => void): QuoteError[] {
  try {
    check();
    return [];
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return [asQuoteError(err)];
  }
}

function asQuoteError(err: ApiError): QuoteError {
  const path = err.details?.[0]?.path ?? '(body)';
  return { code: err.code, path: QUOTE_PATH[path] ?? path, message: err.message };
}

export async function quoteTask(db: Db, env: AppEnv, caller: Caller, input: QuoteInput): Promise<Quote> {
  const errors: QuoteError[] = input.invalid.map((d) => ({ code: 'VALIDATION_ERROR', ...d }));
  const { amounts, callbackUrl } = input;
  if (callbackUrl !== null) errors.push(...refusalOf(() => assertDeliveryUrl(env, callbackUrl, 'callback_url')));
  const feeBps = platformFeeBps(env);
  if (!amounts) return { amounts, fundedCents: null, feeBps, release: null, errors };

  const task = { budgetCents: amounts.budgetCents, budgetType: amounts.budgetType };
  const fundedCents = amounts.fundingCents ?? amounts.budgetCents;
  // A checkout's rules: it is how a task is usually funded (a balance funding has no 0.50 USD minimum).
  errors.push(...refusalOf(() => checkFundingAmount(task, fundedCents, 'checkout')));
  const overLimits = await spendingLimitRefusals(db, caller, { budgetCents: amounts.budgetCents, fundingCents: fundedCents });
  errors.push(...overLimits.map(asQuoteError));
  return { amounts, fundedCents, feeBps, release: releaseSplit(task, fundedCents, feeBps), errors };
}
