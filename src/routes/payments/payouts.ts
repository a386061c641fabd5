import { createRoute } from '@hono/zod-openapi';
import { paymentsContext } from '../../context';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { requestPayout } from '../../services/payments/payouts';
import { PayoutSchema, toPayoutDto } from '../../schemas/payments';

const route = createRoute({
  method: 'post',
  path: '/payments/payouts',
  operationId: 'create_payout',
  tags: ['Payments'],
  summary: 'Send your available balance to your connected account (professionals)',
  description:
    'Needs payouts enabled (POST /api/v1/payments/connect). Moves the whole available balance out as one Stripe transfer; Stripe pays the connected account out to your bank on its schedule. 409 when nothing is available.',
  security: signedIn,
  middleware: [requireAuth('professional'), idempotency] as const,
  request: { headers: IdempotencyKeyHeader },
  responses: { 201: json(PayoutSchema, 'The payout, on its way'), ...errorResponses(401, 403, 409, 422, 429, 503) },
});

export function registerPayouts(router: Router) {
  router.openapi(route, async (c) => c.json(toPayoutDto(await requestPayout(c.var.db, paymentsContext(c), c.var.caller)), 201));
}
