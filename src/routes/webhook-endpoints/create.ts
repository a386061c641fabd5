import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { createWebhookEndpoint, MAX_LIVE_ENDPOINTS } from '../../services/webhooks/endpoints';
import { CreatedWebhookEndpointSchema, CreateWebhookEndpointBody, toWebhookEndpoint } from '../../schemas/webhook-endpoints';

const route = createRoute({
  method: 'post',
  path: '/',
  operationId: 'create_webhook_endpoint',
  tags: ['Event webhooks'],
  summary: 'Register a webhook endpoint',
  description: `The endpoint gets a signed POST for every event of the listed types on the caller's tasks. The response carries the signing secret (whsec_...), shown nowhere else; an Idempotency-Key replay returns the same body, secret included. In production the URL must be https on a public host (400 VALIDATION_ERROR otherwise). At most ${MAX_LIVE_ENDPOINTS} endpoints per account (409 CONFLICT).`,
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client'), idempotency] as const,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(CreateWebhookEndpointBody) },
  responses: { 201: json(CreatedWebhookEndpointSchema, 'The endpoint, with its signing secret'), ...errorResponses(401, 403, 409, 422) },
});

export function registerCreateWebhookEndpoint(router: Router) {
  router.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const row = await createWebhookEndpoint(c.var.db, c.env, c.var.caller, {
      url: body.url,
      events: body.events,
      description: body.description ?? null,
    });
    return c.json({ ...toWebhookEndpoint(row), secret: row.secret }, 201);
  });
}
