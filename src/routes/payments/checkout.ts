import { createRoute } from '@hono/zod-openapi';
import { paymentsContext } from '../../context';
import { toCents } from '../../lib/money';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { createCheckout } from '../../services/payments/checkout';
import { CheckoutSchema, CreateCheckoutBody, toCheckoutDto } from '../../schemas/payments';

const route = createRoute({
  method: 'post',
  path: '/payments/checkout',
  operationId: 'fund_task',
  tags: ['Payments'],
  summary: 'Fund a task: open a Stripe Checkout (task owner)',
  description:
    'Opens a payment page for the task. The task must be open. When Stripe reports the payment (webhook), the amount is credited to the task\'s escrow and its funding.status becomes funded, which lists it for professionals. Several checkouts may fund one task; each is refunded separately if the task is canceled.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client'), idempotency] as const,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(CreateCheckoutBody) },
  responses: {
    201: json(CheckoutSchema, 'The checkout; send the payer to checkout_url'),
    ...errorResponses(401, 403, 404, 409, 422, 429, 503),
  },
});

export function registerCreateCheckout(router: Router) {
  router.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const checkout = await createCheckout(c.var.db, paymentsContext(c), c.var.caller, {
      taskId: body.task_id,
      amountCents: toCents(body.amount),
      successUrl: body.success_url,
      cancelUrl: body.cancel_url,
    });
    return c.json(toCheckoutDto(checkout), 201);
  });
}
