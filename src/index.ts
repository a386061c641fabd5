import { createApp } from './app';
import type { AppEnv } from './env';
import { runScheduledJobs } from './services/scheduled';
import { deliverBatch } from './services/webhooks/delivery';
import type { DeliveryMessage } from './services/webhooks/queue';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledJobs(env, new Date(controller.scheduledTime)));
  },
  // Event webhooks: this Worker consumes the deliveries queue it produces (wrangler.toml).
  async queue(batch, env) {
    await deliverBatch(batch, env);
  },
} satisfies ExportedHandler<AppEnv, DeliveryMessage>;
