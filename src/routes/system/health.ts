import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { logDatabaseUnavailable } from '../../lib/db-errors';
import { databaseUnavailable } from '../../lib/errors';
import { errorResponses, json } from '../../lib/openapi';
import type { Router } from '../../lib/router';

const route = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'get_health',
  tags: ['System'],
  summary: 'Liveness and database check',
  responses: {
    200: json(z.object({ status: z.literal('ok') }).openapi({ example: { status: 'ok' } }), 'The API and its database answer'),
    ...errorResponses(503),
  },
});

export function registerHealth(router: Router) {
  router.openapi(route, async (c) => {
    try {
      await c.var.db.execute(sql`select 1`);
    } catch (err) {
      logDatabaseUnavailable(c.var.requestId, err);
      throw databaseUnavailable();
    }
    return c.json({ status: 'ok' as const }, 200);
  });
}
