import { createRoute } from '@hono/zod-openapi';
import { toCents } from '../../lib/money';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotencyWith, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { createApiKey, MAX_LIVE_KEYS } from '../../services/api-keys';
import { CreateApiKeyBody, CreatedApiKeySchema, toApiKey } from '../../schemas/api-keys';

const route = createRoute({
  method: 'post',
  path: '/',
  operationId: 'create_api_key',
  tags: ['API keys'],
  summary: 'Create an API key',
  description: `The key is returned once and stored only as a hash. At most ${MAX_LIVE_KEYS} live keys per account (409 CONFLICT past that). A replay under the same Idempotency-Key returns the same key object with \`key: null\`: the secret is never stored, so a lost key is revoked and replaced. Optional spending limits bind every call made with the key: \`max_task_amount\` (the largest task budget or checkout) and \`daily_limit\` (what it may commit in any 24 hours); over them, 403 SPENDING_LIMIT. Limits are fixed for the key's life: to change them, make a new key and revoke the old one. \`mode: "test"\` makes a sandbox key (\`ghh_test_...\`, \`livemode: false\`): its calls see and make test objects only, funded with test money and worked by the sandbox professional (see /llms.txt, "Sandbox").`,
  security: signedIn,
  middleware: [requireAuth(), idempotencyWith({ redact: ['key'] })] as const,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(CreateApiKeyBody) },
  responses: { 201: json(CreatedApiKeySchema, 'The new key, with its secret'), ...errorResponses(401, 409, 422) },
});

export function registerCreateApiKey(router: Router) {
  router.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const { row, key } = await createApiKey(c.var.db, c.var.caller.id, {
      name: body.name,
      maxTaskCents: body.max_task_amount == null ? null : toCents(body.max_task_amount),
      dailyLimitCents: body.daily_limit == null ? null : toCents(body.daily_limit),
      mode: body.mode ?? 'live',
    });
    const { id, name, prefix, created_at, max_task_amount, daily_limit, livemode } = toApiKey(row);
    return c.json({ id, name, key, prefix, created_at, max_task_amount, daily_limit, livemode }, 201);
  });
}
