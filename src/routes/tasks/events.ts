import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { page, PageQuery, pageSchema } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { taskHistory } from '../../services/tasks/catalog';
import { TaskEventSchema, TaskIdParam, toTaskEventDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'get',
  path: '/tasks/{id}/events',
  operationId: 'list_task_events',
  tags: ['Tasks'],
  summary: "A task's history",
  description: 'Every status change, oldest first. Readable by whoever can read the task.',
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { params: TaskIdParam, query: PageQuery },
  responses: { 200: json(pageSchema(TaskEventSchema, 'TaskEventPage'), 'The history'), ...errorResponses(401, 404, 429) },
});

export function registerTaskEvents(router: Router) {
  router.openapi(route, async (c) => {
    const { limit, offset } = c.req.valid('query');
    const { events, total } = await taskHistory(c.var.db, c.var.caller, c.req.valid('param').id, { limit, offset });
    return c.json(page(events.map(toTaskEventDto), total, limit, offset), 200);
  });
}
