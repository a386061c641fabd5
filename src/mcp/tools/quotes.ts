/** quote_task: POST /api/v1/tasks/quote as a tool; the same schemas and service, and the same answer to bad input. */
import { issuesToDetails } from '../../lib/router';
import { QuoteBody, QuoteSchema, toQuoteDto, toQuoteInput, type QuoteDto } from '../../schemas/quotes';
import { quoteTask, type QuoteInput } from '../../services/tasks/quote';
import { defineTool, type ToolContext, type ToolOutcome } from '../tool';

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

async function quoted(ctx: ToolContext, input: QuoteInput): Promise<ToolOutcome<QuoteDto>> {
  const quote = toQuoteDto(await quoteTask(ctx.db, ctx.env, ctx.caller, input));
  return { result: quote, summary: describeQuote(quote) };
}

export const quoteTaskTool = defineTool({
  name: 'quote_task',
  title: 'Quote a task before posting it',
  description:
    "What a task would cost and pay out, and whether it would go through, without creating anything: create_task's arguments plus funding_amount (what you mean to fund; default budget_amount). " +
    'Returns total_to_fund, platform_fee, professional_receives and returned_to_balance_on_release (a fixed-price task funded above its budget gets the extra back on approval; an hourly task pays all of it), ' +
    "with valid false and errors listing every refusal (invalid fields, the funding rules, your API key's spending limits) instead of failing.",
  roles: ['ai_client', 'client'],
  operation: 'POST /api/v1/tasks/quote',
  input: QuoteBody,
  output: QuoteSchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  run: (ctx, args) => quoted(ctx, toQuoteInput(args, [])),
  invalidArguments: (ctx, args, issues) => quoted(ctx, toQuoteInput(args, issuesToDetails(issues))),
});
