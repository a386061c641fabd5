import { createApp } from './app';
import type { AppEnv } from './env';
import { advanceSandboxTask } from './services/sandbox/professional';
import { registerSandboxStep } from './services/sandbox/wake';
import { runScheduledJobs } from './services/scheduled';
import { deliverBatch } from './services/webhooks/delivery';
import type { DeliveryMessage } from './services/webhooks/queue';

const app = createApp();
// The sandbox professional's next step is taken right after each test task's funding, move or message (docs/sandbox.md).
registerSandboxStep(advanceSandboxTask);

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
