import { createRouter } from '../../lib/router';
import { registerCreateWebhookEndpoint } from './create';
import { registerDeleteWebhookEndpoint } from './delete';
import { registerListWebhookDeliveries } from './deliveries';
import { registerGetWebhookEndpoint } from './get';
import { registerListWebhookEndpoints } from './list';
import { registerRedeliverWebhookDelivery } from './redeliver';
import { registerRollWebhookEndpointSecret } from './roll-secret';

/** Mounted at /api/v1/webhook-endpoints. */
export function webhookEndpointsRouter() {
  const router = createRouter();
  registerCreateWebhookEndpoint(router);
  registerListWebhookEndpoints(router);
  registerGetWebhookEndpoint(router);
  registerDeleteWebhookEndpoint(router);
  registerListWebhookDeliveries(router);
  registerRollWebhookEndpointSecret(router);
  registerRedeliverWebhookDelivery(router);
  return router;
}
