import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { assertOneStart, pageKnowingMore } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listMessages } from '../../services/tasks/messages';
import { MessageListQuery, MessagePageSchema, TaskIdParam, toMessageDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'get',
  path: '/tasks/{id}/messages',
  operationId: 'list_messages',
  tags: ['Tasks'],
  summary: "A task's messages",
  description:
    'Oldest first. The owner (and admins) read every thread, or one with professional_id; a professional reads their own thread only. ' +
    'Page with limit and offset, or walk with starting_after (the id of the last message of the previous page): messages written meanwhile are neither repeated nor skipped.',
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { params: TaskIdParam, query: MessageListQuery },
  responses: { 200: json(MessagePageSchema, 'A page of messages'), ...errorResponses(401, 404, 429) },
});

export function registerListMessages(router: Router) {
  router.openapi(route, async (c) => {
    const query = c.req.valid('query');
    assertOneStart(query);
    const { limit, offset, starting_after, professional_id } = query;
    const { views, total, hasMore } = await listMessages(c.var.db, c.var.caller, c.req.valid('param').id, { professionalId: professional_id }, {
      limit,
      offset,
      startingAfter: starting_after,
    });
    return c.json(pageKnowingMore(views.map(toMessageDto), total, limit, offset, hasMore), 200);
  });
}
