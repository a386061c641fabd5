/** quote_task: what a task would cost and pay out, and whether it would go through, without creating anything. */
import type { ErrorDetail } from '../lib/errors';
import { QuoteRequest, QuoteSchema, toQuoteDto, toQuoteInput, type QuoteDto } from '../schemas/quotes';
import { quoteTask } from '../services/tasks/quote';
import { defineOperation, type OperationContext } from './operation';

/** The quote of `raw` (a create or quote body, valid or not), with `invalid` (what its schema refused) among its errors. */
export async function quoteOf(ctx: OperationContext, raw: unknown, invalid: readonly ErrorDetail[]): Promise<QuoteDto> {
  return toQuoteDto(await quoteTask(ctx.db, ctx.env, ctx.caller, toQuoteInput(raw, [...invalid])));
}

const usd = (amount: number | null) => (amount === null ? 'unknown' : `${amount.toFixed(2)} USD`);

function describeQuote(quote: QuoteDto): string {
  const figures =
    quote.total_to_fund === null
      ? 'No figures: budget_amount, budget_type or funding_amount is invalid.'
      : `Funding ${usd(quote.total_to_fund)}: on approval the professional receives ${usd(quote.professional_receives)} (platform fee ${usd(quote.platform_fee)})` +
        (quote.returned_to_balance_on_release ? ` and ${usd(quote.returned_to_balance_on_release)} returns to your available balance.` : '.');
  if (quote.valid) return `${figures}\nValid: create_task with the same arguments, then fund_task with ${usd(quote.total_to_fund)}.`;
  return [figures, `Not valid (${quote.errors.length}):`, ...quote.errors.map((e) => `- ${e.path}: ${e.message} (${e.code})`)].join('\n');
}

// Not idempotent: a quote changes nothing, so there is nothing a retry could do twice.
export const quoteTaskOperation = defineOperation({
  name: 'quote_task',
  method: 'post',
  path: '/tasks/quote',
  roles: ['ai_client', 'client'],
  idempotent: false,
  body: QuoteRequest,
  output: QuoteSchema,
  status: 200,
  run: (ctx, { body }) => quoteOf(ctx, body, []),
  // A quoted body's schema failures are part of the answer (valid false), not a 400: the point is to learn them.
  answerInvalid: quoteOf,
  rest: {
    tags: ['Tasks'],
    summary: 'Quote a task without posting it',
    description:
      "What the task would cost and pay out: the body of POST /api/v1/tasks, plus funding_amount (default budget_amount). Creates nothing. Always 200 for a JSON body: the fields it rejects, the funding rules and the API key's spending limits come back in errors with valid false, with the figures still worked out when the amounts themselves are valid. The figures are computed by the same code that releases escrow on approval. POST /api/v1/tasks?dry_run=true answers the same object for a create body.",
    outputDescription: 'The quote (valid false, with errors, when posting or funding it would be refused)',
    errors: [],
  },
  mcp: {
    title: 'Quote a task before posting it',
    description:
      "What a task would cost and pay out, and whether it would go through, without creating anything: create_task's arguments plus funding_amount (what you mean to fund; default budget_amount). " +
      'Returns total_to_fund, platform_fee, professional_receives and returned_to_balance_on_release (a fixed-price task funded above its budget gets the extra back on approval; an hourly task pays all of it), ' +
      "with valid false and errors listing every refusal (invalid fields, the funding rules, your API key's spending limits) instead of failing.",
    annotations: { openWorldHint: false },
    summary: describeQuote,
  },
});
