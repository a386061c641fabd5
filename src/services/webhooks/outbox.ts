/**
 * The outbox: an event is written, with one delivery per receiver, inside the transaction of the change it
 * announces, so it exists if and only if the change committed. The queue messages go out after the commit (the
 * AfterCommit collector); if that never happens, the cron finds the deliveries and sends them (delivery.ts).
 *
 * Receivers: the client's live endpoints subscribed to the type, and the task's callback_url (every type). An event
 * nobody receives is not written.
 */
import type { Tx } from '../../db/client';
import { insertWebhookEvent } from '../../db/queries/webhook-deliveries';
import { subscribedWebhookEndpoints } from '../../db/queries/webhook-endpoints';
import type { TaskMessageView } from '../../db/queries/task-messages';
import { findTaskView, type TaskRow, type TaskStatus, type TaskView } from '../../db/queries/tasks';
import { newId } from '../../lib/ids';
import { iso } from '../../lib/time';
import type { AfterCommit } from '../payments/after-commit';
import { messageObject } from '../tasks/message-object';
import { taskObject } from '../tasks/task-object';
import type { WebhookEventType } from './event-types';

/**
 * Writes `type` for the task as this transaction leaves it. `previousStatus` is the task's status before the change
 * (for task.funded, which moves no status, the status it still has).
 */
export async function announceTaskEvent(
  tx: Tx,
  task: Pick<TaskRow, 'id' | 'clientId' | 'callbackUrl' | 'livemode'>,
  type: WebhookEventType,
  previousStatus: TaskStatus,
  after: AfterCommit,
): Promise<void> {
  // The task's updated_at is this transaction's clock: the moment of the change.
  await writeEvent(tx, task, type, (view) => ({ createdAt: view.task.updatedAt, extra: { previous_status: previousStatus } }), after);
}

/** task.message_created: the task as it stands, and the message just written in this transaction. */
export async function announceMessage(
  tx: Tx,
  task: Pick<TaskRow, 'id' | 'clientId' | 'callbackUrl' | 'livemode'>,
  message: TaskMessageView,
  after: AfterCommit,
): Promise<void> {
  await writeEvent(tx, task, 'task.message_created', () => ({ createdAt: message.message.createdAt, extra: { message: messageObject(message) } }), after);
}

/** The event's moment and what its `data` carries besides the task, read off the task as this transaction sees it. */
type EventDetails = (view: TaskView) => { createdAt: Date; extra: Record<string, unknown> };

async function writeEvent(
  tx: Tx,
  task: Pick<TaskRow, 'id' | 'clientId' | 'callbackUrl' | 'livemode'>,
  type: WebhookEventType,
  details: EventDetails,
  after: AfterCommit,
): Promise<void> {
  const endpoints = await subscribedWebhookEndpoints(tx, { id: task.clientId, livemode: task.livemode }, type);
  const receivers: { endpointId: string | null; url: string }[] = endpoints.map((e) => ({ endpointId: e.id, url: e.url }));
  if (task.callbackUrl) receivers.push({ endpointId: null, url: task.callbackUrl });
  if (receivers.length === 0) return;

  const view = await findTaskView(tx, task.id);
  if (!view) throw new Error(`task ${task.id} vanished inside its own transaction`);
  const id = newId('evt');
  const { createdAt, extra } = details(view);
  const data = { task: taskObject(view), ...extra };
  const body = JSON.stringify({ id, type, created_at: iso(createdAt), data });
  const deliveries = receivers.map((r) => ({ id: newId('del'), eventId: id, endpointId: r.endpointId, url: r.url }));
  await insertWebhookEvent(tx, { id, type, taskId: task.id, userId: task.clientId, body }, deliveries);
  after.webhookDeliveries(deliveries.map((d) => ({ delivery_id: d.id, url: d.url })));
}
