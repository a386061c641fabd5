import { createRoute } from '@hono/zod-openapi';
import { paymentsContext } from '../../context';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { checkRedirectUrl } from '../../services/payments/checkout';
import { startOnboarding } from '../../services/payments/payouts';
import { ConnectBody, OnboardingSchema, toOnboardingDto } from '../../schemas/payments';

const route = createRoute({
  method: 'post',
  path: '/payments/connect',
  operationId: 'start_connect_onboarding',
  tags: ['Payments'],
  summary: 'Set up payouts: Stripe Connect onboarding (professionals)',
  description:
    'Starts or resumes onboarding of your Stripe Express account and returns a fresh link to it. When Stripe enables payouts, you are verified and your waiting earnings are sent to the account.',
  security: signedIn,
  middleware: [requireAuth('professional'), idempotency] as const,
  request: { headers: IdempotencyKeyHeader, body: { required: false, content: { 'application/json': { schema: ConnectBody } } } },
  responses: { 200: json(OnboardingSchema, 'The onboarding link'), ...errorResponses(401, 403, 409, 422, 429, 503) },
});

export function registerConnect(router: Router) {
  router.openapi(route, async (c) => {
    const body = c.req.valid('json') ?? {};
    const ctx = paymentsContext(c);
    const onboarding = await startOnboarding(c.var.db, ctx, c.var.caller, {
      returnUrl: checkRedirectUrl(c.env, 'return_url', body.return_url ?? `${ctx.origin}/payments/connect/return`),
      refreshUrl: checkRedirectUrl(c.env, 'refresh_url', body.refresh_url ?? `${ctx.origin}/payments/connect/refresh`),
    });
    return c.json(toOnboardingDto(onboarding), 200);
  });
}
