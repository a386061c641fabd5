/** The events a client can subscribe to. Each names what happened to one of its tasks (a status change, or a message). */
export const WEBHOOK_EVENT_TYPES = [
  'task.funded',
  'task.accepted',
  'task.submitted',
  'task.revision_requested',
  'task.completed',
  'task.canceled',
  'task.disputed',
  'task.message_created',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
