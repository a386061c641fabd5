import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotencyWith, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { createApiKey, MAX_LIVE_KEYS } from '../../services/api-keys';
import { CreateApiKeyBody, CreatedApiKeySchema, toApiKey } from './schemas';

const route = createRoute({
  method: 'post',
  path: '/',
  tags: ['API keys'],
  summary: 'Create an API key',
  description: `The key is returned once and stored only as a hash. At most ${MAX_LIVE_KEYS} live keys per account (409 CONFLICT past that). A replay under the same Idempotency-Key returns the same key object with \`key: null\`: the secret is never stored, so a lost key is revoked and replaced.`,
  security: signedIn,
  middleware: [requireAuth(), idempotencyWith({ redact: ['key'] })] as const,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(CreateApiKeyBody) },
  responses: { 201: json(CreatedApiKeySchema, 'The new key, with its secret'), ...errorResponses(401, 409) },
});

export function registerCreateApiKey(router: Router) {
  router.openapi(route, async (c) => {
    const { name } = c.req.valid('json');
    const { row, key } = await createApiKey(c.var.db, c.var.caller.id, name);
    const { id, prefix, created_at } = toApiKey(row);
    return c.json({ id, name: row.name, key, prefix, created_at }, 201);
  });
}
