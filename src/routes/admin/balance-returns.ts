import { createRoute } from '@hono/zod-openapi';
import { toCents } from '../../lib/money';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { recordBalanceReturn } from '../../services/payments/balance';
import { BalanceReturnBody, BalanceReturnSchema, toBalanceReturnDto, UserIdParam } from '../../schemas/admin';

const route = createRoute({
  method: 'post',
  path: '/users/{id}/balance-returns',
  operationId: 'create_balance_return',
  tags: ['Admin'],
  summary: "Record a return of a user's available balance made outside the platform (admin)",
  description:
    "For money paid back another way (a bank transfer after a card refund failed, say): takes amount out of the user's available balance, with the note, which the user sees in GET /api/v1/payments/transactions (type manual_return). Nothing is sent anywhere. More than the balance holds is 409 INSUFFICIENT_BALANCE. Send an Idempotency-Key: a retry with it records the return once.",
  security: signedIn,
  middleware: [requireAuth('admin'), idempotency] as const,
  request: { params: UserIdParam, headers: IdempotencyKeyHeader, body: jsonBody(BalanceReturnBody) },
  responses: { 201: json(BalanceReturnSchema, 'The return, recorded'), ...errorResponses(401, 403, 404, 409, 422, 429) },
});

export function registerBalanceReturns(router: Router) {
  router.openapi(route, async (c) => {
    const { amount, note } = c.req.valid('json');
    const recorded = await recordBalanceReturn(c.var.db, c.var.caller, c.req.valid('param').id, { amountCents: toCents(amount), note });
    return c.json(toBalanceReturnDto(recorded), 201);
  });
}
