import type { Context, ExecutionContext } from 'hono';
import type { AppBindings } from '../../context';
import type { AppEnv } from '../../env';
import type { SignedEvent } from '../../services/payments/local-events';

/** Hands a request to the whole app (the same path Stripe's deliveries take). */
export type Deliver = (request: Request, env: AppEnv, ctx: ExecutionContext) => Response | Promise<Response>;

/** Posts a signed event to /webhooks/stripe through the app itself, as Stripe would over the network. */
export function deliverToWebhook(c: Context<AppBindings>, deliver: Deliver, event: SignedEvent) {
  const request = new Request(new URL('/webhooks/stripe', c.req.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Stripe-Signature': event.signature },
    body: event.payload,
  });
  return deliver(request, c.env, c.executionCtx);
}
