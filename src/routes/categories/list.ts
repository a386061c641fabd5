import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json } from '../../lib/openapi';
import { page, PageQuery, pageSchema } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { CATEGORIES } from '../../services/tasks/categories';
import { CategorySchema } from '../../schemas/categories';

const route = createRoute({
  method: 'get',
  path: '/categories',
  operationId: 'list_categories',
  tags: ['Tasks'],
  summary: 'The task categories',
  description: 'Use these exact strings for the category field when creating tasks. No sign-in needed.',
  request: { query: PageQuery },
  responses: { 200: json(pageSchema(CategorySchema, 'CategoryPage'), 'The six categories'), ...errorResponses() },
});

export function registerListCategories(router: Router) {
  router.openapi(route, (c) => {
    const { limit, offset } = c.req.valid('query');
    return c.json(page(CATEGORIES.slice(offset, offset + limit), CATEGORIES.length, limit, offset), 200);
  });
}
