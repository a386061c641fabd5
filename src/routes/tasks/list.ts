import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { assertOneStart, pageKnowingMore } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listTasksFor } from '../../services/tasks/catalog';
import { TaskListQuery, TaskPageSchema, toTaskDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'get',
  path: '/tasks',
  operationId: 'list_tasks',
  tags: ['Tasks'],
  summary: "The caller's tasks",
  description: "A client's own tasks, or a professional's assigned ones; newest first. Page with limit and offset, or walk with starting_after (the last id of the previous page): rows added meanwhile are neither repeated nor skipped.",
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { query: TaskListQuery },
  responses: { 200: json(TaskPageSchema, 'A page of tasks'), ...errorResponses(401, 429) },
});

export function registerListTasks(router: Router) {
  router.openapi(route, async (c) => {
    const query = c.req.valid('query');
    assertOneStart(query);
    const { status, category, limit, offset, starting_after } = query;
    const { views, total, totalCapped, hasMore } = await listTasksFor(c.var.db, c.var.caller, { status, category }, { limit, offset, startingAfter: starting_after });
    return c.json(pageKnowingMore(views.map(toTaskDto), total, limit, offset, hasMore, totalCapped), 200);
  });
}
