import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { page } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listFiles } from '../../services/files/files';
import { TaskIdParam } from '../../schemas/tasks';
import { FileListQuery, FilePageSchema, toFileDto } from '../../schemas/files';

const route = createRoute({
  method: 'get',
  path: '/tasks/{id}/files',
  operationId: 'list_files',
  tags: ['Files'],
  summary: "A task's files",
  description: 'Oldest first, each with a signed download link (url, valid one hour). Visible to whoever can read the task.',
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { params: TaskIdParam, query: FileListQuery },
  responses: { 200: json(FilePageSchema, 'A page of files'), ...errorResponses(401, 404, 429) },
});

export function registerListFiles(router: Router) {
  router.openapi(route, async (c) => {
    const { limit, offset } = c.req.valid('query');
    const { rows, total } = await listFiles(c.var.db, c.var.caller, c.req.valid('param').id, limit, offset);
    const origin = new URL(c.req.url).origin;
    const files = await Promise.all(rows.map((row) => toFileDto(c.env, origin, row)));
    return c.json(page(files, total, limit, offset), 200);
  });
}
