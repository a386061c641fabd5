/** What a client can see and do about deliveries beyond the outbox: a task's delivery history, and redelivery. */
import type { Caller } from '../../context';
import type { Db } from '../../db/client';
import type { PaymentsContext } from '../payments/after-commit';
import { findTask } from '../../db/queries/tasks';
import { findEndpointDelivery, insertRedelivery, listTaskAttempts, type WebhookDeliveryRow } from '../../db/queries/webhook-deliveries';
import type { EndpointOwner } from '../../db/queries/webhook-endpoints';
import { ApiError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { pageOfAttempts, type AttemptPage } from './attempt-pages';
import { getWebhookEndpoint } from './endpoints';
import { enqueueDeliveries } from './queue';

/**
 * The owner's view only: callback URLs often carry a token, and endpoints are the client's own configuration.
 * Everyone else, the assigned professional included, gets 404, as for a task they cannot read.
 */
export async function listTaskDeliveries(db: Db, caller: Caller, taskId: string, page: AttemptPage) {
  const task = await findTask(db, taskId);
  if (!task || task.clientId !== caller.id || task.livemode !== caller.livemode) throw notFound('Task');
  return pageOfAttempts(page, (at) => listTaskAttempts(db, taskId, at));
}

const stillPending = () =>
  new ApiError('INVALID_STATE', 'This event is still on its way to the endpoint (a delivery of it is pending); wait until it is delivered or dead.');

export interface Redelivery {
  delivery: WebhookDeliveryRow;
  eventType: string;
  taskId: string;
}

/**
 * Sends a finished (delivered or dead) delivery's event to its endpoint again, as a new delivery: the same event id
 * and body, so a receiver that already has it dedupes, and a fresh run of attempts with the whole retry schedule,
 * since a client asking again has usually just fixed its receiver. The original keeps its history untouched.
 * 409 while the event is still on its way to the endpoint (the original, or an earlier redelivery, is pending).
 */
export async function redeliverEndpointDelivery(
  db: Db,
  ctx: Pick<PaymentsContext, 'env' | 'defer'>,
  owner: EndpointOwner,
  endpointId: string,
  deliveryId: string,
): Promise<Redelivery> {
  const endpoint = await getWebhookEndpoint(db, owner, endpointId);
  const found = await findEndpointDelivery(db, endpoint.id, deliveryId);
  if (!found) throw notFound('Webhook delivery');
  if (found.delivery.status === 'pending') throw stillPending();
  const delivery = await insertRedelivery(db, newId('del'), found.delivery, endpoint.url);
  if (!delivery) throw stillPending();
  // If the message never leaves, the cron finds the pending row and sends it (delivery.ts).
  ctx.defer(() => enqueueDeliveries(ctx.env, [{ delivery_id: delivery.id, url: delivery.url }]));
  return { delivery, eventType: found.eventType, taskId: found.taskId };
}
