import { z } from '@hono/zod-openapi';
import { pathId } from '../lib/openapi';
import type { AttemptListRow } from '../db/queries/webhook-deliveries';
import { attemptId } from '../services/webhooks/attempt-pages';
import type { Redelivery } from '../services/webhooks/deliveries';
import type { WebhookEndpointRow } from '../db/queries/webhook-endpoints';
import { pageSchema } from '../lib/pagination';
import { iso, isoOrNull } from '../lib/time';
import { WEBHOOK_DELIVERY_STATUSES } from '../db/schema';
import { WEBHOOK_EVENT_TYPES } from '../services/webhooks/event-types';
import { DEFAULT_ROLL_OVERLAP_SECONDS, MAX_ROLL_OVERLAP_SECONDS } from '../services/webhooks/secrets';
import { MAX_URL_LENGTH } from '../services/webhooks/urls';

const isAbsoluteUrl = (value: string) => {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
};

/** A receiver's URL: its shape here; whether the API may POST there (https, public host) is the service's rule. */
export const DeliveryUrl = z
  .string()
  .trim()
  .min(1)
  .max(MAX_URL_LENGTH)
  .refine(isAbsoluteUrl, 'Must be an absolute URL.');

export const EventType = z.enum(WEBHOOK_EVENT_TYPES).openapi({ example: 'task.completed' });

const Instant = z.string().openapi({ example: '2026-03-10T17:00:00Z', format: 'date-time' });
const id = z.string().openapi({ example: 'whe_4Rk8sQ1mZ7pL2xVb' });
const secret = z.string().openapi({
  example: 'whsec_9fK2mQ7pL1xVa3Rk8sQ1mZ7pL2xVbN4c',
  description:
    'Signs every delivery (GoHireHumans-Signature). Shown only in the create response (and its Idempotency-Key replays); store it now.',
});

export const CreateWebhookEndpointBody = z
  .strictObject({
    url: DeliveryUrl.openapi({
      example: 'https://agent.example.com/hooks/gohirehumans',
      description: 'https, on a public host (plain http and loopback only outside production). Gets a POST per event.',
    }),
    events: z
      .array(EventType)
      .min(1)
      .max(20)
      .openapi({ example: ['task.submitted', 'task.completed'], description: 'The event types to receive; at least one.' }),
    description: z.string().trim().min(1).max(500).nullable().optional().openapi({ example: 'Research agent, production' }),
  })
  .openapi('CreateWebhookEndpointRequest', {
    example: {
      url: 'https://agent.example.com/hooks/gohirehumans',
      events: ['task.submitted', 'task.completed'],
      description: 'Research agent, production',
    },
  });

const ENDPOINT_EXAMPLE = {
  id: 'whe_4Rk8sQ1mZ7pL2xVb',
  url: 'https://agent.example.com/hooks/gohirehumans',
  events: ['task.submitted', 'task.completed'],
  description: 'Research agent, production',
  previous_secret_expires_at: null,
  created_at: '2026-03-10T17:00:00Z',
  livemode: true,
};

/** When the secret a roll replaced stops signing; null when only the current secret signs. */
export const PreviousSecretExpiresAt = Instant.nullable().openapi({
  example: '2026-03-11T17:00:00Z',
  description: 'After a roll: until this moment deliveries also carry a v1 signature made with the replaced secret. Null when only the current secret signs.',
});

const endpointFields = {
  id,
  url: z.string().openapi({ example: 'https://agent.example.com/hooks/gohirehumans' }),
  events: z.array(EventType).openapi({ example: ['task.submitted', 'task.completed'] }),
  description: z.string().nullable().openapi({ example: 'Research agent, production' }),
  previous_secret_expires_at: PreviousSecretExpiresAt,
  created_at: Instant,
  livemode: z.boolean().openapi({
    example: true,
    description: "Endpoints are per mode: made with a test API key (false), it receives test tasks' events only and is seen by test keys only; otherwise live events only.",
  }),
};

export const WebhookEndpointSchema = z.object(endpointFields).openapi('WebhookEndpoint', { example: ENDPOINT_EXAMPLE });
export const CreatedWebhookEndpointSchema = z
  .object({ ...endpointFields, secret })
  .openapi('CreatedWebhookEndpoint', { example: { ...ENDPOINT_EXAMPLE, secret: 'whsec_9fK2mQ7pL1xVa3Rk8sQ1mZ7pL2xVbN4c' } });
export const RolledWebhookEndpointSchema = z.object({ ...endpointFields, secret }).openapi('RolledWebhookEndpoint', {
  example: { ...ENDPOINT_EXAMPLE, previous_secret_expires_at: '2026-03-11T17:00:00Z', secret: 'whsec_Q7pL2xVbN4c9fK2mQ7pL1xVa3Rk8sQ1m' },
});

export const RollSecretBody = z
  .strictObject({
    expires_in_seconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_ROLL_OVERLAP_SECONDS)
      .optional()
      .openapi({
        example: 3600,
        description: `How long the replaced secret keeps signing beside the new one: 0..${MAX_ROLL_OVERLAP_SECONDS} (7 days), default ${DEFAULT_ROLL_OVERLAP_SECONDS}. 0 stops it at once.`,
      }),
  })
  .openapi('RollSecretRequest', { example: { expires_in_seconds: 3600 } });

export const WebhookEndpointListSchema = pageSchema(WebhookEndpointSchema, 'WebhookEndpointList');

export const WebhookEndpointIdParam = z.object({ id: pathId('id', 'whe', 'Webhook endpoint not found.', 'whe_4Rk8sQ1mZ7pL2xVb') });

export const DeliveryAttemptSchema = z
  .object({
    id: z.string().openapi({ example: 'att_1207', description: 'The attempt itself: pass it as starting_after to get the attempts after it.' }),
    delivery_id: z.string().openapi({ example: 'del_2Hq7LmN9pX4rT1vB', description: 'The event on its way to this endpoint; its attempts share it.' }),
    event_id: z.string().openapi({ example: 'evt_8hV2kQ9mN3pL5xWa', description: 'Also sent as GoHireHumans-Event-Id.' }),
    event_type: EventType,
    task_id: z.string().openapi({ example: 'task_xyz789AbCdEfGhIj' }),
    endpoint_id: z.string().nullable().openapi({ example: 'whe_4Rk8sQ1mZ7pL2xVb', description: "The receiver: a webhook endpoint, or null for the task's callback_url." }),
    attempt: z.number().int().openapi({ example: 1, description: '1 for the first POST of this delivery.' }),
    state: z.enum(['delivered', 'failed', 'dead']).openapi({
      example: 'failed',
      description: 'delivered: answered 2xx. failed: retried at next_retry_at. dead: no retry left (or the address is never allowed).',
    }),
    status_code: z.number().int().nullable().openapi({ example: 500, description: "The endpoint's HTTP status; null when there was none." }),
    error: z.string().nullable().openapi({ example: null, description: 'Why there was no status (timeout, connection refused ...).' }),
    duration_ms: z.number().int().openapi({ example: 84 }),
    attempted_at: Instant,
    next_retry_at: Instant.nullable().openapi({ example: '2026-03-10T17:01:00Z' }),
  })
  .openapi('WebhookDeliveryAttempt', {
    example: {
      id: 'att_1207',
      delivery_id: 'del_2Hq7LmN9pX4rT1vB',
      event_id: 'evt_8hV2kQ9mN3pL5xWa',
      event_type: 'task.completed',
      task_id: 'task_xyz789AbCdEfGhIj',
      endpoint_id: 'whe_4Rk8sQ1mZ7pL2xVb',
      attempt: 1,
      state: 'failed',
      status_code: 500,
      error: null,
      duration_ms: 84,
      attempted_at: '2026-03-10T17:00:00Z',
      next_retry_at: '2026-03-10T17:01:00Z',
    },
  });

export const DeliveryAttemptListSchema = pageSchema(DeliveryAttemptSchema, 'WebhookDeliveryAttemptList');

export function previousSecretExpiresAt(row: Pick<WebhookEndpointRow, 'previousSecret' | 'previousSecretExpiresAt'>): string | null {
  const until = row.previousSecretExpiresAt;
  return row.previousSecret !== null && until !== null && until.getTime() > Date.now() ? iso(until) : null;
}

export const DeliveryIdParam = WebhookEndpointIdParam.extend({
  delivery_id: pathId('delivery_id', 'del', 'Webhook delivery not found.', 'del_2Hq7LmN9pX4rT1vB'),
});

export const RedeliverySchema = z
  .object({
    id: z.string().openapi({ example: 'del_7Tn3Qw8xK2mP5vRa', description: 'The new delivery; its attempts are listed under this delivery_id, from 1.' }),
    redelivery_of: z.string().openapi({ example: 'del_2Hq7LmN9pX4rT1vB', description: 'The delivery this one repeats.' }),
    event_id: z.string().openapi({ example: 'evt_8hV2kQ9mN3pL5xWa', description: 'The same event, id and body: receivers dedupe on GoHireHumans-Event-Id.' }),
    event_type: EventType,
    task_id: z.string().openapi({ example: 'task_xyz789AbCdEfGhIj' }),
    endpoint_id: z.string().openapi({ example: 'whe_4Rk8sQ1mZ7pL2xVb' }),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES).openapi({ example: 'pending' }),
    attempts: z.number().int().openapi({ example: 0, description: 'Attempts made so far by this delivery.' }),
    next_attempt_at: Instant,
    created_at: Instant,
  })
  .openapi('WebhookRedelivery', {
    example: {
      id: 'del_7Tn3Qw8xK2mP5vRa',
      redelivery_of: 'del_2Hq7LmN9pX4rT1vB',
      event_id: 'evt_8hV2kQ9mN3pL5xWa',
      event_type: 'task.completed',
      task_id: 'task_xyz789AbCdEfGhIj',
      endpoint_id: 'whe_4Rk8sQ1mZ7pL2xVb',
      status: 'pending',
      attempts: 0,
      next_attempt_at: '2026-03-11T09:30:00Z',
      created_at: '2026-03-11T09:30:00Z',
    },
  });

type WebhookEndpointDto = z.infer<typeof WebhookEndpointSchema>;

export function toWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpointDto {
  return {
    id: row.id,
    url: row.url,
    events: row.events as WebhookEndpointDto['events'],
    description: row.description,
    previous_secret_expires_at: previousSecretExpiresAt(row),
    created_at: iso(row.createdAt),
    livemode: row.livemode,
  };
}

export function toDeliveryAttempt({ attempt, eventId, eventType, taskId }: AttemptListRow): z.infer<typeof DeliveryAttemptSchema> {
  return {
    id: attemptId(attempt),
    delivery_id: attempt.deliveryId,
    event_id: eventId,
    event_type: eventType as WebhookEndpointDto['events'][number],
    task_id: taskId,
    endpoint_id: attempt.endpointId,
    attempt: attempt.attempt,
    state: attempt.outcome,
    status_code: attempt.statusCode,
    error: attempt.error,
    duration_ms: attempt.durationMs,
    attempted_at: iso(attempt.attemptedAt),
    next_retry_at: isoOrNull(attempt.nextAttemptAt),
  };
}

export function toRedelivery({ delivery, eventType, taskId }: Redelivery): z.infer<typeof RedeliverySchema> {
  return {
    id: delivery.id,
    redelivery_of: delivery.redeliveryOf!,
    event_id: delivery.eventId,
    event_type: eventType as WebhookEndpointDto['events'][number],
    task_id: taskId,
    endpoint_id: delivery.endpointId!,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: iso(delivery.nextAttemptAt),
    created_at: iso(delivery.createdAt),
  };
}
