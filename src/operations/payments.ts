/** Funding tasks and reading balances: operations served under /api/v1/payments and /api/v1/tasks, and as MCP tools. */
import { z } from '@hono/zod-openapi';
import { toCents } from '../lib/money';
import { assertOneStart, CursorPageQuery, pageKnowingMore } from '../lib/pagination';
import {
  BalanceSchema,
  CheckoutIdParam,
  CheckoutSchema,
  CreateCheckoutBody,
  toBalanceDto,
  toCheckoutDto,
  toTransactionLineDto,
  TransactionPageSchema,
} from '../schemas/payments';
import { FundFromBalanceBody, TaskIdParam, TaskSchema, toTaskDto } from '../schemas/tasks';
import { fundFromBalance } from '../services/payments/balance';
import { createCheckout, getCheckout } from '../services/payments/checkout';
import { listLedgerLines, userBalances } from '../services/ledger';
import { defineOperation } from './operation';
import { TASK_ID_ARG } from './tasks';

const usd = (amount: number) => `${amount.toFixed(2)} USD`;

export const fundTaskOperation = defineOperation({
  name: 'fund_task',
  method: 'post',
  path: '/payments/checkout',
  roles: ['ai_client', 'client'],
  idempotent: true,
  body: CreateCheckoutBody,
  output: CheckoutSchema,
  status: 201,
  async run(ctx, { body }) {
    const checkout = await createCheckout(ctx.db, ctx, ctx.caller, {
      taskId: body.task_id,
      amountCents: toCents(body.amount),
      successUrl: body.success_url,
      cancelUrl: body.cancel_url,
    });
    return toCheckoutDto(checkout);
  },
  rest: {
    tags: ['Payments'],
    summary: 'Fund a task: open a Stripe Checkout (task owner)',
    description:
      "Opens a payment page for the task. The task must be open. When Stripe reports the payment (webhook), the amount is credited to the task's escrow and its funding.status becomes funded, which lists it for professionals. Several checkouts may fund one task; each is refunded separately if the task is canceled.",
    outputDescription: 'The checkout; send the payer to checkout_url',
    errors: [404, 409, 503],
  },
  mcp: {
    title: 'Fund a task (Stripe Checkout)',
    description:
      'Open a payment page to fund one of your open tasks into escrow. amount is in US dollars: at least 0.50, at least the budget_amount of a fixed-price task. ' +
      'success_url and cancel_url are where the payer lands afterwards (absolute https URLs). Hand checkout_url to whoever pays; it expires at expires_at. ' +
      'Once the payment goes through, the task shows funding.status funded (check with get_task) and is listed for professionals. ' +
      "An API key's spending limits (max_task_amount, daily_limit) apply: over them this fails with SPENDING_LIMIT.",
    annotations: { openWorldHint: true },
    summary: (checkout) =>
      `Checkout ${checkout.id} for ${usd(checkout.amount)} on task ${checkout.task_id}: pay at ${checkout.checkout_url} ` +
      `before ${checkout.expires_at}. The task is funded once the payment goes through (get_task shows funding.status funded).`,
  },
});

export const fundTaskFromBalanceOperation = defineOperation({
  name: 'fund_task_from_balance',
  method: 'post',
  path: '/tasks/{id}/fund-from-balance',
  roles: ['ai_client', 'client'],
  idempotent: true,
  params: TaskIdParam,
  body: FundFromBalanceBody,
  output: TaskSchema,
  status: 200,
  run: async (ctx, { params, body }) => toTaskDto(await fundFromBalance(ctx.db, ctx, ctx.caller, { taskId: params.id, amountCents: toCents(body.amount) })),
  rest: {
    tags: ['Payments'],
    summary: 'Fund a task from your available balance (owner)',
    description:
      "Moves amount from your available balance (GET /api/v1/payments/balance) into the task's escrow at once: no payment page, no webhook to wait for. The rules of a checkout apply (the task is open; at least the budget_amount of a fixed-price task; an API key's spending limits). 409 INSUFFICIENT_BALANCE when the balance does not cover it. If the task is later canceled, expires or a dispute is refunded, this amount returns to your available balance, not to a card.",
    outputDescription: 'The task, funded',
    errors: [404, 409],
  },
  mcp: {
    title: 'Fund a task from your available balance',
    description:
      'Move amount (US dollars) from your available balance (get_balance) into the escrow of one of your open tasks, at once: no payment page. ' +
      'Same rules as fund_task (at least the budget_amount of a fixed-price task; spending limits apply). Fails with INSUFFICIENT_BALANCE when the balance is short. ' +
      'If the task is later canceled, the amount returns to your available balance. Returns the task, funded.',
    pathArgs: TASK_ID_ARG,
    annotations: { openWorldHint: false },
    summary: (task) => `Task ${task.id} funded from your balance: its escrow holds ${usd(task.funding.escrow_amount)} (funding.status ${task.funding.status}).`,
  },
});

export const getBalanceOperation = defineOperation({
  name: 'get_balance',
  method: 'get',
  path: '/payments/balance',
  roles: 'any',
  idempotent: false,
  output: BalanceSchema,
  status: 200,
  run: async (ctx) => toBalanceDto(await userBalances(ctx.db, ctx.caller.id, ctx.caller.livemode)),
  rest: {
    tags: ['Payments'],
    summary: "The caller's balances",
    description:
      "Read from the ledger: available, in escrow for the caller's tasks, and on its way to the caller (transfers and refunds in flight). With a test API key, the sandbox's test money.",
    outputDescription: 'Balances in USD',
    errors: [],
  },
  mcp: {
    title: 'Your balances',
    description: 'Your money on the platform, in USD, read from the ledger: available, held in escrow for your tasks, and pending (on its way to you).',
    annotations: { openWorldHint: false },
    summary: (b) => `Available ${usd(b.available_balance)}, in escrow ${usd(b.escrow_balance)}, pending ${usd(b.pending_balance)}.`,
  },
});

export const getCheckoutOperation = defineOperation({
  name: 'get_checkout',
  method: 'get',
  path: '/payments/checkout/{id}',
  roles: 'any',
  idempotent: false,
  params: CheckoutIdParam,
  output: CheckoutSchema,
  status: 200,
  run: async (ctx, { params }) => toCheckoutDto(await getCheckout(ctx.db, ctx.caller, params.id)),
  rest: {
    tags: ['Payments'],
    summary: 'Read a checkout (task owner)',
    description:
      "The checkout as POST /api/v1/payments/checkout returned it, with its current status: poll it until the payment is reported (paid), or the session expires or its payment fails. Other accounts' checkouts are 404.",
    outputDescription: 'The checkout',
    outputExample: {
      id: 'chk_7Hq2LmN9pXs4TvWa',
      task_id: 'task_xyz789AbCdEfGhIj',
      amount: 50,
      currency: 'usd',
      status: 'paid',
      checkout_url: 'https://checkout.stripe.com/c/pay/cs_test_a1B2c3D4',
      expires_at: '2026-03-11T16:50:00Z',
      livemode: true,
    },
    errors: [404],
  },
  mcp: {
    title: 'Read a checkout',
    description: 'A checkout fund_task opened, with its status now: pending (not paid yet), paid (the task is funded), expired or failed. Only your own checkouts.',
    pathArgs: { id: { name: 'checkout_id', schema: z.string().min(1).max(100).meta({ description: 'The checkout id (chk_...), as fund_task returned it.' }) } },
    annotations: { openWorldHint: false },
    summary: (checkout) => `Checkout ${checkout.id} for ${usd(checkout.amount)} on task ${checkout.task_id} is ${checkout.status}.`,
  },
});

export const listTransactionsOperation = defineOperation({
  name: 'list_transactions',
  method: 'get',
  path: '/payments/transactions',
  roles: 'any',
  idempotent: false,
  query: CursorPageQuery('ln_4821'),
  output: TransactionPageSchema,
  status: 200,
  async run(ctx, { query }) {
    assertOneStart(query);
    const { limit, offset, starting_after } = query;
    const { rows, total, hasMore } = await listLedgerLines(ctx.db, ctx.caller.id, { limit, offset, startingAfter: starting_after }, ctx.caller.livemode);
    return pageKnowingMore(rows.map(toTransactionLineDto), total, limit, offset, hasMore);
  },
  rest: {
    tags: ['Payments'],
    summary: "The caller's ledger lines",
    description:
      'Every change to one of your balances, newest first: one line per balance a ledger transaction touched. Page with limit and offset, or walk with starting_after (the id of the last line of the previous page): lines written meanwhile are neither repeated nor skipped.',
    outputDescription: 'A page of ledger lines',
    errors: [],
  },
  mcp: {
    title: 'Your money movements',
    description:
      'Every change to one of your balances, newest first (fundings, releases, refunds, transfers), in USD. Page with limit (1..100, default 20) and offset, or with starting_after (the id of the last line read).',
    annotations: { openWorldHint: false },
    summary: (lines) =>
      [
        `${lines.data.length} of ${lines.total} lines${lines.has_more ? '; more follow (starting_after the last id)' : ''}.`,
        ...lines.data.map((l) => `${l.id} ${l.created_at} ${l.type} ${l.account} ${usd(l.amount)}${l.task_id ? ` task ${l.task_id}` : ''}`),
      ].join('\n'),
  },
});
