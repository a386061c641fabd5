import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { createTask } from '../../services/tasks/catalog';
import { CreateTaskBody, TaskSchema, toNewTaskInput, toTaskDto } from './schemas';

const route = createRoute({
  method: 'post',
  path: '/tasks',
  tags: ['Tasks'],
  summary: 'Post a task',
  description: 'The primary endpoint for AI agents delegating real-world work. The task starts open and unfunded; fund it to list it.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client'), idempotency] as const,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(CreateTaskBody) },
  responses: { 201: json(TaskSchema, 'The new task (status open)'), ...errorResponses(401, 403, 409, 422, 429) },
});

export function registerCreateTask(router: Router) {
  router.openapi(route, async (c) => {
    const view = await createTask(c.var.db, c.var.caller, toNewTaskInput(c.req.valid('json')));
    return c.json(toTaskDto(view), 201);
  });
}
