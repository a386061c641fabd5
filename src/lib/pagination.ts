/** The contract's list envelope and its `limit`/`offset` query parameters. */
import { getOpenApiMetadata } from '@asteasolutions/zod-to-openapi';
import { z } from '@hono/zod-openapi';
import { ApiError } from './errors';

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

/**
 * `starting_after`, as in Stripe's lists: the page that follows this object in the list's order. Offsets shift when
 * rows arrive between pages (a newest-first list repeats rows) and cost more the deeper they go; a cursor does neither.
 */
export function cursorParam(example: string) {
  return z
    .string()
    .min(1)
    .max(100)
    .optional()
    .openapi({
      param: { name: 'starting_after', in: 'query' },
      description:
        "The id of the last object of the previous page: returns the objects after it, in this list's order. Not with offset > 0. An id that is not in this list (unknown, or another account's) is 400.",
      example,
    });
}

export const CursorPageQuery = (example: string) => PageQuery.extend({ starting_after: cursorParam(example) });

/** A cursor page starts where the cursor says; an offset on top of it would mean two positions at once. */
export function assertOneStart(query: { offset: number; starting_after?: string | undefined }): void {
  if (query.starting_after !== undefined && query.offset > 0) {
    throw new ApiError('VALIDATION_ERROR', 'Use starting_after or offset, not both.', {
      details: [{ path: 'starting_after', message: 'Cannot be combined with offset > 0.' }],
    });
  }
}

/** The 400 for a cursor the list does not hold: a silent first page would make a client walk the list again. */
export const unknownCursor = (id: string) =>
  new ApiError('VALIDATION_ERROR', `starting_after: no such object in this list: ${id}.`, {
    details: [{ path: 'starting_after', message: 'Not an object of this list.' }],
  });

/**
 * Public ids for rows keyed by a database sequence (`ln_42`): such rows need no random id of their own to be a
 * cursor. Null for anything that is not the prefix and a positive integer, which the caller answers as unknown.
 */
export const serialId = (prefix: string, n: number) => `${prefix}_${n}`;

export function parseSerialId(prefix: string, id: string): number | null {
  const match = new RegExp(`^${prefix}_([1-9][0-9]{0,15})$`).exec(id);
  const n = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

export interface Page<T> {
  data: T[];
  total: number;
  /** True when the list was counted only up to a cap (`total`) and holds more. */
  total_capped: boolean;
  limit: number;
  offset: number;
  has_more: boolean;
}

export function page<T>(data: T[], total: number, limit: number, offset: number): Page<T> {
  return { data, total, total_capped: false, limit, offset, has_more: offset + data.length < total };
}

/**
 * A page whose list knew `has_more` itself (a cursor page reads one row past the page). After a cursor, `offset` is
 * what was asked, 0, not the page's position, which would cost a count as deep as the page; `total` is still the
 * whole list's count.
 */
export function pageKnowingMore<T>(data: T[], total: number, limit: number, offset: number, hasMore: boolean, totalCapped = false): Page<T> {
  return { data, total, total_capped: totalCapped, limit, offset, has_more: hasMore };
}

/** A page's example is one page holding the item's own example, so documenting an item documents its lists. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  const example = getOpenApiMetadata(item).example;
  return z
    .object({
      data: z.array(item),
      total: z.number().int().openapi({
        description: 'How many objects the list holds; lists of tasks count up to 1000 (then total_capped is true).',
      }),
      total_capped: z.boolean().openapi({ description: 'True when total is a cap, not the count: the list holds more.' }),
      limit: z.number().int(),
      offset: z.number().int(),
      has_more: z.boolean(),
    })
    .openapi(name, example === undefined ? {} : { example: page([example], 1, DEFAULT_LIMIT, 0) });
}
