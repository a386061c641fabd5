import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppBindings } from '../../context';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import { validationHook, type Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotencyUnless, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { createTask } from '../../services/tasks/catalog';
import { createTaskWithCallback } from '../../services/webhooks/callbacks';
import { answerQuote, quoteHook } from './quote';
import { QuoteSchema } from '../../schemas/quotes';
import { CreatedTaskSchema, CreateTaskRequest, toNewTaskInput, toTaskDto } from '../../schemas/tasks';

const CreateQuery = z.object({
  dry_run: z
    .enum(['true', 'false'])
    .optional()
    .openapi({
      param: { name: 'dry_run', in: 'query' },
      description: 'true: create nothing; answer 200 with the quote of this body (as POST /api/v1/tasks/quote, funding the budget).',
      example: 'true',
    }),
});

/** Read before the body is validated, so a dry run's schema failures can be part of its quote. */
const isDryRun = (c: Context<AppBindings>) => c.req.query('dry_run') === 'true';

const route = createRoute({
  method: 'post',
  path: '/tasks',
  operationId: 'create_task',
  tags: ['Tasks'],
  summary: 'Post a task',
  description:
    'The primary endpoint for AI agents delegating real-world work. The task starts open and unfunded; fund it to list it. With ?dry_run=true nothing is created and the answer is the quote of the body (200, the TaskQuote object); a dry run stores nothing under an Idempotency-Key.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client'), idempotencyUnless(isDryRun)] as const,
  request: { query: CreateQuery, headers: IdempotencyKeyHeader, body: jsonBody(CreateTaskRequest) },
  responses: {
    200: json(QuoteSchema, 'dry_run=true: the quote of the body; nothing was created'),
    201: json(CreatedTaskSchema, 'The new task (status open)'),
    ...errorResponses(401, 403, 409, 422, 429),
  },
});

export function registerCreateTask(router: Router) {
  router.openapi(
    route,
    async (c) => {
      const body = c.req.valid('json');
      if (c.req.valid('query').dry_run === 'true') return answerQuote(c, body, []);
      if (!body.callback_url) return c.json(toTaskDto(await createTask(c.var.db, c.var.caller, toNewTaskInput(body))), 201);
      const { view, callbackSecret } = await createTaskWithCallback(c.var.db, c.env, c.var.caller, toNewTaskInput(body), body.callback_url);
      return c.json({ ...toTaskDto(view), callback_url: body.callback_url, callback_secret: callbackSecret }, 201);
    },
    (result, c) => {
      if (isDryRun(c)) return quoteHook(result, c);
      validationHook(result as Parameters<typeof validationHook>[0], c);
      return undefined;
    },
  );
}
