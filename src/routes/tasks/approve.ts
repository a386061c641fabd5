import { paymentsContext } from '../../context';
import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { approveTask } from '../../services/tasks/actions';
import { ApproveBody, TaskIdParam, TaskSchema, toTaskDto } from '../../schemas/tasks';

/**
 * `/approve` and its alias `/complete` are one operation under two paths; operationIds are unique per path, so the
 * alias gets its own (approve_task is also the MCP tool's name).
 */
function approveRoute(path: '/tasks/{id}/approve' | '/tasks/{id}/complete') {
  return createRoute({
    method: 'post',
    path,
    operationId: path.endsWith('/approve') ? 'approve_task' : 'complete_task',
    tags: ['Tasks'],
    summary: path.endsWith('/approve') ? 'Approve the result (owner)' : 'Approve the result (owner; alias of /approve)',
    description: 'submitted -> completed; releases the escrow to the professional (a fixed-price task pays its budget; what was funded above it returns to your available balance). Optionally rate the work 1..5 with a review.',
    security: signedIn,
    middleware: [requireAuth('ai_client', 'client'), idempotency] as const,
    request: {
      params: TaskIdParam,
      headers: IdempotencyKeyHeader,
      body: { required: false, content: { 'application/json': { schema: ApproveBody } } },
    },
    responses: { 200: json(TaskSchema, 'The task, now completed'), ...errorResponses(401, 403, 404, 409, 422, 429) },
  });
}

export function registerApproveTask(router: Router) {
  for (const path of ['/tasks/{id}/approve', '/tasks/{id}/complete'] as const) {
    router.openapi(approveRoute(path), async (c) => {
      const view = await approveTask(c.var.db, paymentsContext(c), c.var.caller, c.req.valid('param').id, c.req.valid('json'));
      return c.json(toTaskDto(view), 200);
    });
  }
}
