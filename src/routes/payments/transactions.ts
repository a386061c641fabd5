import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { page, PageQuery } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listLedgerLines } from '../../services/ledger';
import { toTransactionLineDto, TransactionPageSchema } from './schemas';

const route = createRoute({
  method: 'get',
  path: '/payments/transactions',
  tags: ['Payments'],
  summary: "The caller's ledger lines",
  description: 'Every change to one of your balances, newest first: one line per balance a ledger transaction touched.',
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { query: PageQuery },
  responses: { 200: json(TransactionPageSchema, 'A page of ledger lines'), ...errorResponses(401, 429) },
});

export function registerTransactions(router: Router) {
  router.openapi(route, async (c) => {
    const { limit, offset } = c.req.valid('query');
    const { rows, total } = await listLedgerLines(c.var.db, c.var.caller.id, { limit, offset });
    return c.json(page(rows.map(toTransactionLineDto), total, limit, offset), 200);
  });
}
