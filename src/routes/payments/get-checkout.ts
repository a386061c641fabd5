import { createRoute } from '@hono/zod-openapi';
import { errorResponses, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { getCheckout } from '../../services/payments/checkout';
import { CheckoutIdParam, CheckoutSchema, toCheckoutDto } from '../../schemas/payments';

const route = createRoute({
  method: 'get',
  path: '/payments/checkout/{id}',
  operationId: 'get_checkout',
  tags: ['Payments'],
  summary: 'Read a checkout (task owner)',
  description:
    "The checkout as POST /api/v1/payments/checkout returned it, with its current status: poll it until the payment is reported (paid), or the session expires or its payment fails. Other accounts' checkouts are 404.",
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { params: CheckoutIdParam },
  responses: {
    200: {
      description: 'The checkout',
      content: {
        'application/json': {
          schema: CheckoutSchema,
          example: {
            id: 'chk_7Hq2LmN9pXs4TvWa',
            task_id: 'task_xyz789AbCdEfGhIj',
            amount: 50,
            currency: 'usd',
            status: 'paid',
            checkout_url: 'https://checkout.stripe.com/c/pay/cs_test_a1B2c3D4',
            expires_at: '2026-03-11T16:50:00Z',
            livemode: true,
          },
        },
      },
    },
    ...errorResponses(401, 404, 429),
  },
});

export function registerGetCheckout(router: Router) {
  router.openapi(route, async (c) => {
    const checkout = await getCheckout(c.var.db, c.var.caller, c.req.valid('param').id);
    return c.json(toCheckoutDto(checkout), 200);
  });
}
