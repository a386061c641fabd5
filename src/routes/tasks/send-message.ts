import { createRoute } from '@hono/zod-openapi';
import { paymentsContext } from '../../context';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { sendMessage } from '../../services/tasks/messages';
import { MessageSchema, SendMessageBody, TaskIdParam, toMessageDto } from '../../schemas/tasks';

const route = createRoute({
  method: 'post',
  path: '/tasks/{id}/messages',
  operationId: 'send_message',
  tags: ['Tasks'],
  summary: 'Write a message about a task',
  description:
    "The task's owner and its assigned professional talk here; before acceptance a verified professional who sees the listed task may ask the owner a question, in a thread private to the two of them. " +
    'The owner answers such a question by naming the thread (professional_id; required while the task is unassigned and more than one professional has asked). ' +
    "After acceptance the assignee's thread is the task's conversation and other threads are read-only. Open, in_progress, submitted and disputed tasks take messages; completed and canceled ones answer 409. " +
    'Sends task.message_created to the owner\'s webhooks and the task\'s callback_url.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client', 'professional'), idempotency] as const,
  request: { params: TaskIdParam, headers: IdempotencyKeyHeader, body: jsonBody(SendMessageBody) },
  responses: { 201: json(MessageSchema, 'The message'), ...errorResponses(401, 403, 404, 409, 422, 429) },
});

export function registerSendMessage(router: Router) {
  router.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const view = await sendMessage(c.var.db, paymentsContext(c), c.var.caller, c.req.valid('param').id, {
      text: body.text,
      attachments: body.attachments ?? [],
      professionalId: body.professional_id ?? null,
    });
    return c.json(toMessageDto(view), 201);
  });
}
