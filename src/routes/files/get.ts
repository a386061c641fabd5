import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { getFile } from '../../services/files/files';
import { FileIdParam, FileSchema, toFileDto } from '../../schemas/files';

const route = createRoute({
  method: 'get',
  path: '/files/{id}',
  operationId: 'get_file',
  tags: ['Files'],
  summary: 'Read a file',
  description: "The file's metadata and a fresh signed download link (url, valid one hour). Visible to whoever can read its task; anyone else gets 404.",
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { params: FileIdParam },
  responses: { 200: json(FileSchema, 'The file'), ...errorResponses(401, 404, 429) },
});

export function registerGetFile(router: Router) {
  router.openapi(route, async (c) => {
    const file = await getFile(c.var.db, c.var.caller, c.req.valid('param').id);
    return c.json(await toFileDto(c.env, new URL(c.req.url).origin, file), 200);
  });
}
