import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { setVerification } from '../../services/professionals';
import { ProfessionalIdParam, ProfessionalSchema, toProfessionalDto, VerifyBody } from '../../schemas/admin';

const route = createRoute({
  method: 'post',
  path: '/professionals/{id}/verify',
  operationId: 'verify_professional',
  tags: ['Admin'],
  summary: 'Verify a professional (admin)',
  description: 'Only verified professionals see the marketplace and accept tasks. An empty body verifies; {"verified": false} withdraws it.',
  security: signedIn,
  middleware: [requireAuth('admin'), idempotency] as const,
  request: {
    params: ProfessionalIdParam,
    headers: IdempotencyKeyHeader,
    body: { required: false, content: { 'application/json': { schema: VerifyBody } } },
  },
  responses: { 200: json(ProfessionalSchema, 'The professional'), ...errorResponses(401, 403, 404, 409, 422, 429) },
});

export function registerVerifyProfessional(router: Router) {
  router.openapi(route, async (c) => {
    const verified = c.req.valid('json').verified ?? true;
    const profile = await setVerification(c.var.db, c.req.valid('param').id, verified);
    return c.json(toProfessionalDto(profile), 200);
  });
}
