import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { DEFAULT_ROLL_OVERLAP_SECONDS, rollEndpointSecret } from '../../services/webhooks/secrets';
import { RolledWebhookEndpointSchema, RollSecretBody, toWebhookEndpoint, WebhookEndpointIdParam } from '../../schemas/webhook-endpoints';

const route = createRoute({
  method: 'post',
  path: '/{id}/roll-secret',
  operationId: 'roll_webhook_endpoint_secret',
  tags: ['Event webhooks'],
  summary: "Roll an endpoint's signing secret",
  description: `Issues a new secret (in this response only; an Idempotency-Key replay returns the same body). Until previous_secret_expires_at (expires_in_seconds from now, default ${DEFAULT_ROLL_OVERLAP_SECONDS}) every delivery carries two v1 signatures, the new secret's first, so a receiver verifying with either secret accepts; after it, only the new one. expires_in_seconds 0 stops the old secret at once. A secret still overlapping from an earlier roll stops now.`,
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client'), idempotency] as const,
  request: {
    params: WebhookEndpointIdParam,
    headers: IdempotencyKeyHeader,
    body: { required: false, content: { 'application/json': { schema: RollSecretBody } } },
  },
  responses: { 200: json(RolledWebhookEndpointSchema, 'The endpoint, with its new signing secret'), ...errorResponses(401, 403, 404, 409, 422) },
});

export function registerRollWebhookEndpointSecret(router: Router) {
  router.openapi(route, async (c) => {
    const overlap = c.req.valid('json')?.expires_in_seconds ?? DEFAULT_ROLL_OVERLAP_SECONDS;
    const row = await rollEndpointSecret(c.var.db, c.env, c.var.caller, c.req.valid('param').id, overlap);
    return c.json({ ...toWebhookEndpoint(row), secret: row.secret }, 200);
  });
}
