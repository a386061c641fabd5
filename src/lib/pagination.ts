import { z } from '@hono/zod-openapi';

/**
 * `limit` 1..100 (default 20) and `offset` >= 0, as the contract's list convention says. Out-of-range values
 * are a 400 through the shared validation hook, never clamped.
 */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ param: { name: 'limit', in: 'query' }, example: 20 }),
  offset: z.coerce.number().int().min(0).default(0).openapi({ param: { name: 'offset', in: 'query' }, example: 0 }),
});

export type Page = z.infer<typeof PageQuery>;

/** The list envelope: `{ data, total, limit, offset, has_more }`. */
export function listOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      data: z.array(item),
      total: z.number().int(),
      limit: z.number().int(),
      offset: z.number().int(),
      has_more: z.boolean(),
    })
    .openapi(name);
}

export function listBody<T>(data: T[], total: number, page: Page) {
  return { data, total, limit: page.limit, offset: page.offset, has_more: page.offset + data.length < total };
}
