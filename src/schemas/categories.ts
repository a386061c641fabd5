import { z } from '@hono/zod-openapi';
import { Category } from './tasks';

export const CategorySchema = z
  .object({
    category: Category.openapi({ example: 'business_calls' }),
    description: z.string().openapi({ example: 'Phone calls, scheduling, outreach' }),
  })
  .openapi('Category', { example: { category: 'business_calls', description: 'Phone calls, scheduling, outreach' } });
