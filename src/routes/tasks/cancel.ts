import { paymentsContext } from '../../context';
import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { cancelTask } from '../../services/tasks/actions';
import { TaskIdParam, TaskSchema, toTaskDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'post',
  path: '/tasks/{id}/cancel',
  operationId: 'cancel_task',
  tags: ['Tasks'],
  summary: 'Withdraw an open task (owner)',
  description: 'open -> canceled; a funded escrow is refunded. Once a professional has accepted, use dispute instead.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client'), idempotency] as const,
  request: { params: TaskIdParam, headers: IdempotencyKeyHeader },
  responses: { 200: json(TaskSchema, 'The task, now canceled'), ...errorResponses(401, 403, 404, 409, 422, 429) },
});

export function registerCancelTask(router: Router) {
  router.openapi(route, async (c) => {
    const view = await cancelTask(c.var.db, paymentsContext(c), c.var.caller, c.req.valid('param').id);
    return c.json(toTaskDto(view), 200);
  });
}
