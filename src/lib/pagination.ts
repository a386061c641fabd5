/** The contract's list envelope and its `limit`/`offset` query parameters. */
import { getOpenApiMetadata } from '@asteasolutions/zod-to-openapi';
import { z } from '@hono/zod-openapi';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/**
 * Query strings arrive as text; coercion accepts "20" and rejects "abc", "1.5", "0" and "101" with a 400
 * rather than clamping, as the contract asks.
 */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_LIMIT)
    .default(DEFAULT_LIMIT)
    .openapi({ param: { name: 'limit', in: 'query' }, description: `1..${MAX_LIMIT}, default ${DEFAULT_LIMIT}.`, example: 20 }),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .openapi({ param: { name: 'offset', in: 'query' }, description: 'Rows to skip, >= 0.', example: 0 }),
});

export interface Page<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
  has_more: boolean;
}

export function page<T>(data: T[], total: number, limit: number, offset: number): Page<T> {
  return { data, total, limit, offset, has_more: offset + data.length < total };
}

/** A page's example is one page holding the item's own example, so documenting an item documents its lists. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  const example = getOpenApiMetadata(item).example;
  return z
    .object({
      data: z.array(item),
      total: z.number().int(),
      limit: z.number().int(),
      offset: z.number().int(),
      has_more: z.boolean(),
    })
    .openapi(name, example === undefined ? {} : { example: page([example], 1, DEFAULT_LIMIT, 0) });
}
