/** list_categories: the six task categories, the same list for everyone. */
import { page, PageQuery, pageSchema } from '../lib/pagination';
import { CategorySchema } from '../schemas/categories';
import { CATEGORIES } from '../services/tasks/categories';
import { defineOperation } from './operation';

export const listCategoriesOperation = defineOperation({
  name: 'list_categories',
  method: 'get',
  path: '/categories',
  roles: 'public',
  idempotent: false,
  query: PageQuery,
  output: pageSchema(CategorySchema, 'CategoryPage'),
  status: 200,
  run: async (_ctx, { query: { limit, offset } }) => page(CATEGORIES.slice(offset, offset + limit), CATEGORIES.length, limit, offset),
  rest: {
    tags: ['Tasks'],
    summary: 'The task categories',
    description: 'Use these exact strings for the category field when creating tasks. No sign-in needed.',
    outputDescription: 'The six categories',
    errors: [],
  },
  mcp: {
    title: 'Task categories',
    description: 'The six task categories (data). Use the exact category string when you call create_task.',
    annotations: { openWorldHint: false },
    summary: (categories) => categories.data.map((c) => `${c.category}: ${c.description}`).join('\n'),
  },
});
