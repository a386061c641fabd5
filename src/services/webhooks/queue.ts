/** Messages on the webhook deliveries queue: a delivery's id and where it goes (deliveries to one URL run in order). */
import type { AppEnv } from '../../env';

export interface DeliveryMessage {
  delivery_id: string;
  url: string;
}

/** Cloudflare Queues take at most 100 messages per sendBatch. */
const SEND_BATCH = 100;

export async function enqueueDeliveries(env: AppEnv, messages: DeliveryMessage[]): Promise<void> {
  for (let i = 0; i < messages.length; i += SEND_BATCH) {
    await env.WEBHOOK_DELIVERIES.sendBatch(messages.slice(i, i + SEND_BATCH).map((body) => ({ body })));
  }
}
