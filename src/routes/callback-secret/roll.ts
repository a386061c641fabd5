import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { DEFAULT_ROLL_OVERLAP_SECONDS, rollAccountCallbackSecret } from '../../services/webhooks/secrets';
import { RollSecretBody } from '../../schemas/webhook-endpoints';
import { CallbackSecretSchema, toCallbackSecret } from '../../schemas/callback-secret';

const route = createRoute({
  method: 'post',
  path: '/roll',
  operationId: 'roll_callback_secret',
  tags: ['Event webhooks'],
  summary: "Roll the account's callback secret",
  description: `The secret that signs every task's callback_url deliveries. Like rolling an endpoint's secret: the new one signs at once, the replaced one beside it until previous_secret_expires_at (expires_in_seconds from now, default ${DEFAULT_ROLL_OVERLAP_SECONDS}; 0 stops it at once). An account without a callback secret yet gets its first one.`,
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client'), idempotency] as const,
  request: {
    headers: IdempotencyKeyHeader,
    body: { required: false, content: { 'application/json': { schema: RollSecretBody } } },
  },
  responses: { 200: json(CallbackSecretSchema, 'The new callback secret'), ...errorResponses(401, 403, 409, 422) },
});

export function registerRollCallbackSecret(router: Router) {
  router.openapi(route, async (c) => {
    const overlap = c.req.valid('json')?.expires_in_seconds ?? DEFAULT_ROLL_OVERLAP_SECONDS;
    return c.json(toCallbackSecret(await rollAccountCallbackSecret(c.var.db, c.env, c.var.caller.id, overlap)), 200);
  });
}
