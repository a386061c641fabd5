import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppBindings } from '../../context';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import { issuesToDetails, unstorableText, validationHook, type Issue, type Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { quoteTask } from '../../services/tasks/quote';
import { QuoteRequest, QuoteSchema, toQuoteDto, toQuoteInput } from '../../schemas/quotes';

// No Idempotency-Key: a quote changes nothing, so there is nothing a retry could do twice.
const route = createRoute({
  method: 'post',
  path: '/tasks/quote',
  operationId: 'quote_task',
  tags: ['Tasks'],
  summary: 'Quote a task without posting it',
  description:
    "What the task would cost and pay out: the body of POST /api/v1/tasks, plus funding_amount (default budget_amount). Creates nothing. Always 200 for a JSON body: the fields it rejects, the funding rules and the API key's spending limits come back in errors with valid false, with the figures still worked out when the amounts themselves are valid. The figures are computed by the same code that releases escrow on approval. POST /api/v1/tasks?dry_run=true answers the same object for a create body.",
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client')] as const,
  request: { body: jsonBody(QuoteRequest) },
  responses: { 200: json(QuoteSchema, 'The quote (valid false, with errors, when posting or funding it would be refused)'), ...errorResponses(401, 403) },
});

/** The quote of `raw` (a request body, valid or not), with `issues` (what its schema refused) among its errors. */
export async function answerQuote(c: Context<AppBindings>, raw: unknown, issues: readonly Issue[]) {
  const quote = await quoteTask(c.var.db, c.env, c.var.caller, toQuoteInput(raw, issuesToDetails(issues)));
  return c.json(toQuoteDto(quote), 200);
}

/** What a route's validator hands its hook; on a failure the validator passes the raw value as `data` too. */
type Validated = { target: string; data?: unknown } & ({ success: true } | { success: false; error: { issues: readonly unknown[] } });

/**
 * A quoted body's schema failures are part of the answer (200, valid false), not a 400: the point is to learn them.
 * JSON that does not parse, and every other part of the request, fail as on any route.
 */
export function quoteHook(result: Validated, c: Context<AppBindings>) {
  // The shared hook answers by throwing (a 400 or the path's 404), synchronously; it never returns a response.
  if (result.target !== 'json') validationHook(result as Parameters<typeof validationHook>[0], c);
  const issues = result.success ? unstorableText(result.data) : (result.error.issues as readonly Issue[]);
  return issues.length > 0 ? answerQuote(c, result.data, issues) : undefined;
}

export function registerQuoteTask(router: Router) {
  router.openapi(
    route,
    (c) => answerQuote(c, c.req.valid('json'), []),
    (result, c) => quoteHook(result, c),
  );
}
