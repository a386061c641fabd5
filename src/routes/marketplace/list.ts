import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { page } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listMarketplace } from '../../services/tasks/catalog';
import { MarketplaceQuery, TaskPageSchema, toTaskDto } from '../tasks/schemas';

const route = createRoute({
  method: 'get',
  path: '/marketplace/tasks',
  tags: ['Marketplace'],
  summary: 'Tasks open for taking (verified professionals)',
  description: 'Open, funded, unassigned tasks, newest first. Accept one with POST /api/v1/tasks/{id}/accept.',
  security: signedIn,
  middleware: [requireAuth('professional')] as const,
  request: { query: MarketplaceQuery },
  responses: { 200: json(TaskPageSchema, 'A page of listed tasks'), ...errorResponses(401, 403, 429) },
});

export function registerMarketplaceList(router: Router) {
  router.openapi(route, async (c) => {
    const { category, location_type, limit, offset } = c.req.valid('query');
    const { views, total } = await listMarketplace(c.var.db, c.var.caller, { category, locationType: location_type }, { limit, offset });
    return c.json(page(views.map(toTaskDto), total, limit, offset), 200);
  });
}
