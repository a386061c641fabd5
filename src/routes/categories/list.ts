import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, json } from '../../lib/openapi';
import { page, PageQuery, pageSchema } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { CATEGORIES } from '../../services/tasks/categories';
import { Category } from '../tasks/schemas';

export const CategorySchema = z
  .object({
    category: Category.openapi({ example: 'business_calls' }),
    description: z.string().openapi({ example: 'Phone calls, scheduling, outreach' }),
  })
  .openapi('Category', { example: { category: 'business_calls', description: 'Phone calls, scheduling, outreach' } });

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
