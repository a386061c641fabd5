import { createRoute } from '@hono/zod-openapi';
import { paymentsContext } from '../../context';
import { toCents } from '../../lib/money';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { fundFromBalance } from '../../services/payments/balance';
import { FundFromBalanceBody, TaskIdParam, TaskSchema, toTaskDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'post',
  path: '/tasks/{id}/fund-from-balance',
  operationId: 'fund_task_from_balance',
  tags: ['Payments'],
  summary: 'Fund a task from your available balance (owner)',
  description:
    "Moves amount from your available balance (GET /api/v1/payments/balance) into the task's escrow at once: no payment page, no webhook to wait for. The rules of a checkout apply (the task is open; at least the budget_amount of a fixed-price task; an API key's spending limits). 409 INSUFFICIENT_BALANCE when the balance does not cover it. If the task is later canceled, expires or a dispute is refunded, this amount returns to your available balance, not to a card.",
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client'), idempotency] as const,
  request: { params: TaskIdParam, headers: IdempotencyKeyHeader, body: jsonBody(FundFromBalanceBody) },
  responses: { 200: json(TaskSchema, 'The task, funded'), ...errorResponses(401, 403, 404, 409, 422, 429) },
});

export function registerFundFromBalance(router: Router) {
  router.openapi(route, async (c) => {
    const view = await fundFromBalance(c.var.db, paymentsContext(c), c.var.caller, {
      taskId: c.req.valid('param').id,
      amountCents: toCents(c.req.valid('json').amount),
    });
    return c.json(toTaskDto(view), 200);
  });
}
