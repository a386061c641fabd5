import { paymentsContext } from '../../context';
import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { disputeTask } from '../../services/tasks/actions';
import { ReasonBody, TaskIdParam, TaskSchema, toTaskDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'post',
  path: '/tasks/{id}/dispute',
  operationId: 'dispute_task',
  tags: ['Tasks'],
  summary: 'Open a dispute (owner or assigned professional)',
  description: 'in_progress or submitted -> disputed. The escrow stays held until an admin resolves it.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client', 'professional'), idempotency] as const,
  request: { params: TaskIdParam, headers: IdempotencyKeyHeader, body: jsonBody(ReasonBody) },
  responses: { 200: json(TaskSchema, 'The task, now disputed'), ...errorResponses(401, 403, 404, 409, 422, 429) },
});

export function registerDisputeTask(router: Router) {
  router.openapi(route, async (c) => {
    const view = await disputeTask(c.var.db, paymentsContext(c), c.var.caller, c.req.valid('param').id, c.req.valid('json').reason);
    return c.json(toTaskDto(view), 200);
  });
}
