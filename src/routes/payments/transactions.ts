import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { assertOneStart, CursorPageQuery, pageKnowingMore } from '../../lib/pagination';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { listLedgerLines } from '../../services/ledger';
import { toTransactionLineDto, TransactionPageSchema } from '../../schemas/payments';

const route = createRoute({
  method: 'get',
  path: '/payments/transactions',
  operationId: 'list_transactions',
  tags: ['Payments'],
  summary: "The caller's ledger lines",
  description:
    'Every change to one of your balances, newest first: one line per balance a ledger transaction touched. Page with limit and offset, or walk with starting_after (the id of the last line of the previous page): lines written meanwhile are neither repeated nor skipped.',
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { query: CursorPageQuery('ln_4821') },
  responses: { 200: json(TransactionPageSchema, 'A page of ledger lines'), ...errorResponses(401, 429) },
});

export function registerTransactions(router: Router) {
  router.openapi(route, async (c) => {
    const query = c.req.valid('query');
    assertOneStart(query);
    const { limit, offset, starting_after } = query;
    const { rows, total, hasMore } = await listLedgerLines(c.var.db, c.var.caller.id, { limit, offset, startingAfter: starting_after }, c.var.caller.livemode);
    return c.json(pageKnowingMore(rows.map(toTransactionLineDto), total, limit, offset, hasMore), 200);
  });
}
