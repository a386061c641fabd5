import { createApp } from './app';
import type { AppEnv } from './env';
import { runScheduledJobs } from './services/scheduled';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledJobs(env, new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<AppEnv>;
