/**
 * Payment tools: funding a task through the same services, schemas and roles as POST /api/v1/payments/checkout and
 * POST /api/v1/tasks/{id}/fund-from-balance.
 */
import { toCents } from '../../lib/money';
import { CheckoutSchema, CreateCheckoutBody, toCheckoutDto } from '../../schemas/payments';
import { FundFromBalanceBody, TaskId, TaskSchema, toTaskDto } from '../../schemas/tasks';
import { fundFromBalance } from '../../services/payments/balance';
import { createCheckout } from '../../services/payments/checkout';
import { defineTool } from '../tool';

export const fundTaskTool = defineTool({
  name: 'fund_task',
  title: 'Fund a task (Stripe Checkout)',
  description:
    'Open a payment page to fund one of your open tasks into escrow. amount is in US dollars: at least 0.50, at least the budget_amount of a fixed-price task. ' +
    'success_url and cancel_url are where the payer lands afterwards (absolute https URLs). Hand checkout_url to whoever pays; it expires at expires_at. ' +
    'Once the payment goes through, the task shows funding.status funded (check with get_task) and is listed for professionals. ' +
    "An API key's spending limits (max_task_amount, daily_limit) apply: over them this fails with SPENDING_LIMIT.",
  roles: ['ai_client', 'client'],
  operation: 'POST /api/v1/payments/checkout',
  input: CreateCheckoutBody,
  output: CheckoutSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(ctx, args) {
    const checkout = toCheckoutDto(
      await createCheckout(ctx.db, ctx, ctx.caller, {
        taskId: args.task_id,
        amountCents: toCents(args.amount),
        successUrl: args.success_url,
        cancelUrl: args.cancel_url,
      }),
    );
    return {
      result: checkout,
      summary:
        `Checkout ${checkout.id} for ${checkout.amount.toFixed(2)} USD on task ${checkout.task_id}: pay at ${checkout.checkout_url} ` +
        `before ${checkout.expires_at}. The task is funded once the payment goes through (get_task shows funding.status funded).`,
    };
  },
});

export const fundTaskFromBalanceTool = defineTool({
  name: 'fund_task_from_balance',
  title: 'Fund a task from your available balance',
  description:
    "Move amount (US dollars) from your available balance (get_balance) into the escrow of one of your open tasks, at once: no payment page. " +
    'Same rules as fund_task (at least the budget_amount of a fixed-price task; spending limits apply). Fails with INSUFFICIENT_BALANCE when the balance is short. ' +
    'If the task is later canceled, the amount returns to your available balance. Returns the task, funded.',
  roles: ['ai_client', 'client'],
  operation: 'POST /api/v1/tasks/{id}/fund-from-balance',
  input: FundFromBalanceBody.safeExtend({ task_id: TaskId.meta({ description: 'The task id (task_...).' }) }),
  output: TaskSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(ctx, args) {
    const task = toTaskDto(await fundFromBalance(ctx.db, ctx, ctx.caller, { taskId: args.task_id, amountCents: toCents(args.amount) }));
    return {
      result: task,
      summary: `Task ${task.id} funded from your balance: its escrow holds ${task.funding.escrow_amount.toFixed(2)} USD (funding.status ${task.funding.status}).`,
    };
  },
});
