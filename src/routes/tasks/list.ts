import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { page } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listTasksFor } from '../../services/tasks/catalog';
import { TaskListQuery, TaskPageSchema, toTaskDto } from './schemas';

const route = createRoute({
  method: 'get',
  path: '/tasks',
  tags: ['Tasks'],
  summary: "The caller's tasks",
  description: "A client's own tasks, or a professional's assigned ones; newest first.",
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { query: TaskListQuery },
  responses: { 200: json(TaskPageSchema, 'A page of tasks'), ...errorResponses(401, 429) },
});

export function registerListTasks(router: Router) {
  router.openapi(route, async (c) => {
    const { status, category, limit, offset } = c.req.valid('query');
    const { views, total } = await listTasksFor(c.var.db, c.var.caller, { status, category }, { limit, offset });
    return c.json(page(views.map(toTaskDto), total, limit, offset), 200);
  });
}
