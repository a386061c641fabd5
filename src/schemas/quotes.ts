/** The quote's schemas: the create body plus funding_amount in, the quote out (services/tasks/quote.ts). */
import { z } from '@hono/zod-openapi';
import { ERROR_STATUS, type ErrorCode, type ErrorDetail } from '../lib/errors';
import { centsToUsd, toCents, usdAmount } from '../lib/money';
import type { Quote, QuoteInput } from '../services/tasks/quote';
import { QUOTE_EXAMPLE, QUOTE_REQUEST_EXAMPLE } from './examples';
import { CreateTaskBody, CreateTaskRequest } from './tasks';

const FundingAmount = usdAmount().openapi({
  example: 20,
  description:
    'US dollars you mean to fund the task with; default budget_amount. A fixed-price task needs at least its budget (what is above it returns to your available balance on release); an hourly task pays the professional all of it.',
});

/** POST /api/v1/tasks/quote: exactly the create body, and what you mean to fund. */
export const QuoteRequest = CreateTaskRequest.safeExtend({ funding_amount: FundingAmount.optional() }).openapi('QuoteTaskRequest', {
  example: QUOTE_REQUEST_EXAMPLE,
});

/** The MCP quote_task tool's arguments: create_task's, and funding_amount. */
export const QuoteBody = CreateTaskBody.safeExtend({ funding_amount: FundingAmount.optional() });

const Usd = (description: string) => z.number().nullable().openapi({ description });

export const QuoteSchema = z
  .object({
    object: z.literal('quote'),
    valid: z.boolean().openapi({ description: 'True when posting the task and funding it with total_to_fund (by checkout) would both go through now.' }),
    errors: z
      .array(
        z.object({
          code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]).openapi({ description: 'The code the real request would fail with.' }),
          path: z.string().openapi({ example: 'budget_amount' }),
          message: z.string(),
        }),
      )
      .openapi({ description: 'Every refusal found: the fields the schema rejects, then the funding rules and the API key\'s spending limits.' }),
    budget_amount: Usd('The budget, as a task would hold it; null when budget_amount or budget_type is invalid (so are the figures below).'),
    budget_type: z.enum(['fixed', 'hourly']).nullable(),
    currency: z.literal('usd'),
    total_to_fund: Usd('What goes into escrow: funding_amount, or the budget.'),
    platform_fee_bps: z.number().int().openapi({ description: 'The platform fee in basis points (100 = 1%), taken on what the professional is paid for.', example: 100 }),
    platform_fee: Usd('The fee kept on approval.'),
    professional_receives: Usd("What approval credits to the professional: a fixed-price task's budget (at most what is funded), an hourly task's whole escrow, less the fee."),
    returned_to_balance_on_release: Usd('What approval returns to your available balance: the amount a fixed-price task is funded above its budget.'),
  })
  .openapi('TaskQuote', { example: QUOTE_EXAMPLE });

export type QuoteDto = z.infer<typeof QuoteSchema>;

/** The fields a quote prices, read on their own, so a body that fails elsewhere (a title) is still priced. */
const Priced = z.object({
  budget_amount: CreateTaskBody.shape.budget_amount,
  budget_type: CreateTaskBody.shape.budget_type,
  funding_amount: FundingAmount.optional(),
});
const Callback = z.object({ callback_url: CreateTaskRequest.shape.callback_url });

/** A body, valid or not, with what its schema refused, as the quote service's input. */
export function toQuoteInput(raw: unknown, invalid: ErrorDetail[]): QuoteInput {
  const priced = Priced.safeParse(raw);
  const callback = Callback.safeParse(raw);
  return {
    amounts: priced.success
      ? {
          budgetCents: toCents(priced.data.budget_amount),
          budgetType: priced.data.budget_type,
          fundingCents: priced.data.funding_amount === undefined ? undefined : toCents(priced.data.funding_amount),
        }
      : null,
    callbackUrl: callback.success ? (callback.data.callback_url ?? null) : null,
    invalid,
  };
}

const usdOrNull = (cents: number | null | undefined) => (cents === null || cents === undefined ? null : centsToUsd(cents));

export function toQuoteDto(quote: Quote): QuoteDto {
  return {
    object: 'quote',
    valid: quote.errors.length === 0,
    errors: quote.errors.map(({ code, path, message }) => ({ code, path, message })),
    budget_amount: usdOrNull(quote.amounts?.budgetCents),
    budget_type: quote.amounts?.budgetType ?? null,
    currency: 'usd',
    total_to_fund: usdOrNull(quote.fundedCents),
    platform_fee_bps: quote.feeBps,
    platform_fee: usdOrNull(quote.release?.feeCents),
    professional_receives: usdOrNull(quote.release?.earnedCents),
    returned_to_balance_on_release: usdOrNull(quote.release?.returnedCents),
  };
}
