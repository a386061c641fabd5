import { paymentsContext } from '../../context';
import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { requestRevision } from '../../services/tasks/actions';
import { ReasonBody, TaskIdParam, TaskSchema, toTaskDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'post',
  path: '/tasks/{id}/request-revision',
  operationId: 'request_revision',
  tags: ['Tasks'],
  summary: 'Send the work back (owner)',
  description: 'submitted -> in_progress, with the reason recorded in the history for the professional.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client'), idempotency] as const,
  request: { params: TaskIdParam, headers: IdempotencyKeyHeader, body: jsonBody(ReasonBody) },
  responses: { 200: json(TaskSchema, 'The task, back in_progress'), ...errorResponses(401, 403, 404, 409, 422, 429) },
});

export function registerRequestRevision(router: Router) {
  router.openapi(route, async (c) => {
    const view = await requestRevision(c.var.db, paymentsContext(c), c.var.caller, c.req.valid('param').id, c.req.valid('json').reason);
    return c.json(toTaskDto(view), 200);
  });
}
