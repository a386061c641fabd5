/** Account-level tools: the balance (from the ledger) and the category list. */
import { z } from '@hono/zod-openapi';
import { CategorySchema } from '../../schemas/categories';
import { BalanceSchema, toBalanceDto } from '../../schemas/payments';
import { userBalances } from '../../services/ledger';
import { CATEGORIES } from '../../services/tasks/categories';
import { defineTool } from '../tool';

const NoArguments = z.strictObject({});

export const getBalanceTool = defineTool({
  name: 'get_balance',
  title: 'Your balances',
  description: 'Your money on the platform, in USD, read from the ledger: available, held in escrow for your tasks, and pending (on its way to you).',
  roles: [],
  operation: 'GET /api/v1/payments/balance',
  input: NoArguments,
  output: BalanceSchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(ctx) {
    const result = toBalanceDto(await userBalances(ctx.db, ctx.caller.id, ctx.caller.livemode));
    const usd = (n: number) => `${n.toFixed(2)} USD`;
    return {
      result,
      summary: `Available ${usd(result.available_balance)}, in escrow ${usd(result.escrow_balance)}, pending ${usd(result.pending_balance)}.`,
    };
  },
});

export const listCategoriesTool = defineTool({
  name: 'list_categories',
  title: 'Task categories',
  description: 'The six task categories. Use the exact category string when you call create_task.',
  roles: [],
  operation: 'GET /api/v1/categories',
  input: NoArguments,
  output: z.object({ categories: z.array(CategorySchema) }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run() {
    return { result: { categories: CATEGORIES }, summary: CATEGORIES.map((c) => `${c.category}: ${c.description}`).join('\n') };
  },
});
