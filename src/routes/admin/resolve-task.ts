import { paymentsContext } from '../../context';
import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { resolveDispute } from '../../services/tasks/actions';
import { ResolveBody, TaskIdParam, TaskSchema, toTaskDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'post',
  path: '/tasks/{id}/resolve',
  operationId: 'resolve_dispute',
  tags: ['Admin'],
  summary: 'Resolve a dispute (admin)',
  description: 'disputed -> completed (release: the professional is paid) or canceled (refund: the client gets the escrow back).',
  security: signedIn,
  middleware: [requireAuth('admin'), idempotency] as const,
  request: { params: TaskIdParam, headers: IdempotencyKeyHeader, body: jsonBody(ResolveBody) },
  responses: { 200: json(TaskSchema, 'The task, resolved'), ...errorResponses(401, 403, 404, 409, 422, 429) },
});

export function registerResolveTask(router: Router) {
  router.openapi(route, async (c) => {
    const { outcome, note } = c.req.valid('json');
    const view = await resolveDispute(c.var.db, paymentsContext(c), c.var.caller, c.req.valid('param').id, outcome, note ?? null);
    return c.json(toTaskDto(view), 200);
  });
}
