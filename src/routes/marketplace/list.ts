import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { assertOneStart, pageKnowingMore } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listMarketplace } from '../../services/tasks/catalog';
import { MarketplaceQuery, TaskPageSchema, toTaskDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'get',
  path: '/marketplace/tasks',
  operationId: 'list_marketplace_tasks',
  tags: ['Marketplace'],
  summary: 'Tasks open for taking (verified professionals)',
  description: 'Open, funded, unassigned tasks, newest first; walk with starting_after (the last id of the previous page), which a task taken meanwhile still serves. Accept one with POST /api/v1/tasks/{id}/accept.',
  security: signedIn,
  middleware: [requireAuth('professional')] as const,
  request: { query: MarketplaceQuery },
  responses: { 200: json(TaskPageSchema, 'A page of listed tasks'), ...errorResponses(401, 403, 429) },
});

export function registerMarketplaceList(router: Router) {
  router.openapi(route, async (c) => {
    const query = c.req.valid('query');
    assertOneStart(query);
    const { category, location_type, limit, offset, starting_after } = query;
    const filters = { category, locationType: location_type };
    const { views, total, totalCapped, hasMore } = await listMarketplace(c.var.db, c.var.caller, filters, { limit, offset, startingAfter: starting_after });
    return c.json(pageKnowingMore(views.map(toTaskDto), total, limit, offset, hasMore, totalCapped), 200);
  });
}
