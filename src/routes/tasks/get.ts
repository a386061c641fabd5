import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireCredential } from '../../middleware/auth';
import { getTaskWithCredential } from '../../services/tasks/catalog';
import { TaskIdParam, TaskSchema, toTaskDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'get',
  path: '/tasks/{id}',
  operationId: 'get_task',
  tags: ['Tasks'],
  summary: 'Read a task',
  description:
    'Status, assigned professional, result and deliverables: poll this until status is submitted. Visible to the owner, the assigned professional, and verified professionals while the task is listed.',
  security: signedIn,
  middleware: [requireCredential] as const,
  request: { params: TaskIdParam },
  responses: { 200: json(TaskSchema, 'The task'), ...errorResponses(401, 404, 429) },
});

export function registerGetTask(router: Router) {
  router.openapi(route, async (c) => {
    const view = await getTaskWithCredential(c.var.db, c.var.credential, c.req.valid('param').id);
    return c.json(toTaskDto(view), 200);
  });
}
