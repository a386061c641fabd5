import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { userBalances } from '../../services/ledger';
import { BalanceSchema, toBalanceDto } from '../../schemas/payments';

const route = createRoute({
  method: 'get',
  path: '/payments/balance',
  operationId: 'get_balance',
  tags: ['Payments'],
  summary: "The caller's balances",
  description: "Read from the ledger: available, in escrow for the caller's tasks, and on its way to the caller (transfers and refunds in flight). With a test API key, the sandbox's test money.",
  security: signedIn,
  middleware: [requireAuth()] as const,
  responses: { 200: json(BalanceSchema, 'Balances in USD'), ...errorResponses(401, 429) },
});

export function registerBalance(router: Router) {
  router.openapi(route, async (c) => c.json(toBalanceDto(await userBalances(c.var.db, c.var.caller.id, c.var.caller.livemode)), 200));
}
