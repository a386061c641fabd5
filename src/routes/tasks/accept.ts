import { paymentsContext } from '../../context';
import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { acceptTask } from '../../services/tasks/actions';
import { TaskIdParam, TaskSchema, toTaskDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'post',
  path: '/tasks/{id}/accept',
  operationId: 'accept_task',
  tags: ['Tasks'],
  summary: 'Take a listed task (verified professionals)',
  description: 'open and funded -> in_progress, assigned to the caller. The first professional wins; the others get 409.',
  security: signedIn,
  middleware: [requireAuth('professional'), idempotency] as const,
  request: { params: TaskIdParam, headers: IdempotencyKeyHeader },
  responses: { 200: json(TaskSchema, 'The task, now in_progress'), ...errorResponses(401, 403, 404, 409, 422, 429) },
});

export function registerAcceptTask(router: Router) {
  router.openapi(route, async (c) => {
    const view = await acceptTask(c.var.db, paymentsContext(c), c.var.caller, c.req.valid('param').id);
    return c.json(toTaskDto(view), 200);
  });
}
