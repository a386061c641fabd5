import { paymentsContext } from '../../context';
import { z } from '@hono/zod-openapi';
import { errorResponses, json } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { paymentsProvider } from '../../services/payments/active-provider';
import { processStripeEvent, verifyStripeEvent } from '../../services/payments/stripe-events';

const EventAck = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean().openapi({ description: 'True when this event id was processed before; nothing changed.' }),
  })
  .openapi('StripeEventAck', { example: { received: true, duplicate: false } });

const StripeEvent = z
  .looseObject({ id: z.string().openapi({ example: 'evt_1Q2w3E4r5T6y7U8i' }), type: z.string().openapi({ example: 'checkout.session.completed' }) })
  .openapi('StripeEvent', {
    example: {
      id: 'evt_1Q2w3E4r5T6y7U8i',
      object: 'event',
      type: 'checkout.session.completed',
      created: 1772621000,
      data: {
        object: {
          id: 'cs_test_a1B2c3D4',
          object: 'checkout.session',
          payment_status: 'paid',
          amount_total: 5000,
          client_reference_id: 'task_xyz789AbCdEfGhIj',
          metadata: { task_id: 'task_xyz789AbCdEfGhIj', checkout_id: 'chk_7Hq2LmN9pXs4TvWa' },
        },
      },
    },
  });

/**
 * Documented, not validated by schema: the signature covers the exact bytes, so the body is read raw and only
 * parsed once the signature checks out.
 */
export function registerStripeWebhook(router: Router) {
  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/webhooks/stripe',
    operationId: 'receive_stripe_event',
    tags: ['Webhooks'],
    summary: 'Stripe events (called by Stripe, not by API clients)',
    description:
      'Verifies Stripe-Signature over the raw body (5-minute tolerance), records each event id once and applies it in the same database transaction. Redeliveries answer 200 and change nothing; unknown event types are recorded and answered 200.',
    request: {
      headers: z.object({ 'stripe-signature': z.string().openapi({ example: 't=1700000000,v1=5257a869...' }) }),
      body: { required: true, content: { 'application/json': { schema: StripeEvent } } },
    },
    responses: { 200: json(EventAck, 'The event is recorded'), ...errorResponses(503) },
  });

  router.post('/webhooks/stripe', async (c) => {
    const event = await verifyStripeEvent(c.env, await c.req.text(), c.req.header('Stripe-Signature'));
    const result = await processStripeEvent(c.var.db, event, paymentsProvider(c.env));
    result.after.schedule(paymentsContext(c));
    return c.json({ received: true as const, duplicate: result.duplicate }, 200);
  });
}
