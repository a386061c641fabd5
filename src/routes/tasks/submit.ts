import { paymentsContext } from '../../context';
import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { submitTask } from '../../services/tasks/actions';
import { SubmitBody, TaskIdParam, TaskSchema, toTaskDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'post',
  path: '/tasks/{id}/submit',
  operationId: 'submit_task',
  tags: ['Tasks'],
  summary: 'Deliver the work (assigned professional)',
  description: 'in_progress -> submitted. The text becomes the task\'s result; attachments and structured data are kept as a deliverable.',
  security: signedIn,
  middleware: [requireAuth('professional'), idempotency] as const,
  request: { params: TaskIdParam, headers: IdempotencyKeyHeader, body: jsonBody(SubmitBody) },
  responses: { 200: json(TaskSchema, 'The task, now submitted'), ...errorResponses(401, 403, 404, 409, 422, 429) },
});

export function registerSubmitTask(router: Router) {
  router.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const view = await submitTask(c.var.db, paymentsContext(c), c.var.caller, c.req.valid('param').id, {
      text: body.text,
      attachments: body.attachments ?? [],
      data: body.data ?? null,
    });
    return c.json(toTaskDto(view), 200);
  });
}
