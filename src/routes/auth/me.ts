import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { getAccountSummary } from '../../services/account-summary';
import { MeSchema, toRegisteredUser } from '../../schemas/auth';

const route = createRoute({
  method: 'get',
  path: '/me',
  operationId: 'get_me',
  tags: ['Auth'],
  summary: 'The signed-in account',
  security: signedIn,
  middleware: [requireAuth()] as const,
  responses: { 200: json(MeSchema, 'The account, with its available balance'), ...errorResponses(401) },
});

export function registerMe(router: Router) {
  router.openapi(route, async (c) => {
    const summary = await getAccountSummary(c.var.db, c.var.caller.id, c.var.caller.livemode);
    return c.json(
      {
        ...toRegisteredUser(summary.user),
        balance: summary.availableBalance,
        ...(summary.professional ? { professional: summary.professional } : {}),
      },
      200,
    );
  });
}
