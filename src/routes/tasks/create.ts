import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { createTask } from '../../services/tasks/catalog';
import { createTaskWithCallback } from '../../services/webhooks/callbacks';
import { CreatedTaskSchema, CreateTaskRequest, toNewTaskInput, toTaskDto } from './schemas';

const route = createRoute({
  method: 'post',
  path: '/tasks',
  operationId: 'create_task',
  tags: ['Tasks'],
  summary: 'Post a task',
  description: 'The primary endpoint for AI agents delegating real-world work. The task starts open and unfunded; fund it to list it.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client'), idempotency] as const,
  request: { headers: IdempotencyKeyHeader, body: jsonBody(CreateTaskRequest) },
  responses: { 201: json(CreatedTaskSchema, 'The new task (status open)'), ...errorResponses(401, 403, 409, 422, 429) },
});

export function registerCreateTask(router: Router) {
  router.openapi(route, async (c) => {
    const body = c.req.valid('json');
    if (!body.callback_url) return c.json(toTaskDto(await createTask(c.var.db, c.var.caller, toNewTaskInput(body))), 201);
    const { view, callbackSecret } = await createTaskWithCallback(c.var.db, c.env, c.var.caller, toNewTaskInput(body), body.callback_url);
    return c.json({ ...toTaskDto(view), callback_url: body.callback_url, callback_secret: callbackSecret }, 201);
  });
}
