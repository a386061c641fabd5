/**
 * The event webhooks the API sends, documented in the OpenAPI document's `webhooks` section (3.1): one entry per
 * event type, with its body and headers. Documentation only: the bodies are built in services/webhooks/outbox.ts
 * and sent by services/webhooks/delivery.ts.
 */
import { z } from '@hono/zod-openapi';
import type { Router } from '../../lib/router';
import type { TaskStatus } from '../../db/queries/tasks';
import { TRANSITIONS } from '../../services/tasks/state-machine';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../services/webhooks/event-types';
import { SIGNATURE_HEADER } from '../../services/webhooks/signature';
import { MESSAGE_EXAMPLE, TASK_EXAMPLE } from '../../schemas/examples';
import { MessageSchema, Status, TaskSchema } from '../../schemas/tasks';

const SENT_WHEN: Record<WebhookEventType, string> = {
  'task.funded': "Stripe's payment landed and the task's funding.status became funded (its status stays open).",
  'task.accepted': 'A professional accepted the task.',
  'task.submitted': 'The professional delivered (submit).',
  'task.revision_requested': 'The client sent the work back (request-revision).',
  'task.completed': 'The client approved, the platform auto-approved, or an admin resolved a dispute with release.',
  'task.canceled': 'The client canceled, the deadline passed while open, or an admin resolved a dispute with refund.',
  'task.disputed': 'The client or the professional opened a dispute.',
  'task.message_created': "Someone wrote a message about the task (POST /api/v1/tasks/{id}/messages): the owner, the assigned professional, or a professional asking before acceptance. The task's status does not change.",
};

/** The status changes: where each event can come from and lead to, read off the moves that announce it (funding moves no status). */
type StatusEventType = Exclude<WebhookEventType, 'task.message_created'>;

function statuses(type: StatusEventType): { previous: TaskStatus[]; now: TaskStatus } {
  if (type === 'task.funded') return { previous: ['open'], now: 'open' };
  const moves = Object.values(TRANSITIONS).filter((t) => t.announces === type);
  return { previous: [...new Set(moves.flatMap((t) => t.from))], now: moves[0]!.to };
}

const schemaName = (type: WebhookEventType) =>
  `${type.split(/[._]/).map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')}Event`;

const envelope = (type: WebhookEventType) => ({
  id: z.string().openapi({ description: 'The event id (evt_...): the same on every attempt and redelivery; deduplicate on it.' }),
  type: z.literal(type),
});

function eventSchema(type: WebhookEventType) {
  if (type === 'task.message_created') return messageEventSchema();
  const { previous, now } = statuses(type);
  return z
    .object({
      ...envelope(type),
      created_at: z.string().openapi({ description: "When the change happened (the task's updated_at), ISO 8601 UTC." }),
      data: z.object({
        task: TaskSchema,
        previous_status: Status.extract(previous as [TaskStatus, ...TaskStatus[]]).openapi({ description: 'The status before the change.' }),
      }),
    })
    .openapi(schemaName(type), {
      description: 'The body: data.task is the task as GET /api/v1/tasks/{id} returns it, as the change left it.',
      example: {
        id: 'evt_8hV2kQ9mN3pL5xWa',
        type,
        created_at: TASK_EXAMPLE.updated_at,
        data: { task: { ...TASK_EXAMPLE, status: now }, previous_status: previous[0]! },
      },
    });
}

function messageEventSchema() {
  const type = 'task.message_created';
  return z
    .object({
      ...envelope(type),
      created_at: z.string().openapi({ description: "When the message was written (its created_at), ISO 8601 UTC." }),
      data: z.object({ task: TaskSchema, message: MessageSchema }),
    })
    .openapi(schemaName(type), {
      description: 'The body: data.task is the task as GET /api/v1/tasks/{id} returns it; data.message is the message as GET /api/v1/tasks/{id}/messages lists it.',
      example: {
        id: 'evt_8hV2kQ9mN3pL5xWa',
        type,
        created_at: MESSAGE_EXAMPLE.created_at,
        data: { task: { ...TASK_EXAMPLE, status: 'in_progress' }, message: MESSAGE_EXAMPLE },
      },
    });
}

const deliveryHeaders = (type: WebhookEventType) =>
  z.object({
    'gohirehumans-event-id': z.string().openapi({ description: 'The event id, as in the body.', example: 'evt_8hV2kQ9mN3pL5xWa' }),
    'gohirehumans-event-type': z.literal(type).openapi({ description: 'The event type, as in the body.' }),
    [SIGNATURE_HEADER.toLowerCase()]: z.string().openapi({
      description:
        'HMAC-SHA256 of "<t>.<raw body>" keyed with the whole signing secret (whsec_...), hex: t=<unix seconds>,v1=<hex>. ' +
        'While a rolled secret still signs, a second v1 follows; accept when any v1 matches, and refuse old timestamps.',
      example: 't=1773162000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
    }),
    'user-agent': z.string().openapi({ example: 'GoHireHumans-Webhooks/1.0' }),
  });

export function registerEventWebhooks(router: Router) {
  for (const type of WEBHOOK_EVENT_TYPES) {
    router.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `${type.replace(/\./g, '_')}_webhook`,
      tags: ['Event webhooks'],
      summary: `${type}: sent to your endpoints subscribed to it and to the task's callback_url`,
      description: `${SENT_WHEN[type]} POSTed to every webhook endpoint of the client subscribed to ${type}, and to the task's callback_url if it has one. At least once: retried with backoff until a 2xx answer or the last attempt.`,
      request: {
        headers: deliveryHeaders(type),
        body: { required: true, content: { 'application/json': { schema: eventSchema(type) } } },
      },
      responses: {
        '2XX': { description: 'Received: the delivery is done. Any other answer, a redirect, or none within 10 s is retried.' },
      },
    });
  }
}
