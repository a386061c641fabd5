import { cloudflareTest } from '@cloudflare/vitest-plugin';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/** Stripe's and the MCP SDK's packages ship source maps without their sources; vite would warn once per file. */
const quietStripeSourcemaps: Plugin = {
  name: 'quiet-stripe-sourcemaps',
  configResolved(config) {
    const warnOnce = config.logger.warnOnce.bind(config.logger);
    config.logger.warnOnce = (message, options) => {
      if (/node_modules\/(stripe|@modelcontextprotocol\/sdk)\/.*points to missing source files/.test(message)) return;
      warnOnce(message, options);
    };
  },
};

export default defineConfig({
  plugins: [
    quietStripeSourcemaps,
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          DATABASE_URL: inject('databaseUrl'),
          DB_RELAY_PORT: inject('dbRelayPort'),
          LOG_REQUESTS: 'false',
          // The real Stripe SDK, pointed at the local fake; tests of local payments mode unset the key.
          STRIPE_API_URL: inject('stripeFakeUrl'),
          STRIPE_SECRET_KEY: inject('stripeSecretKey'),
          STRIPE_WEBHOOK_SECRET: inject('stripeWebhookSecret'),
        },
      },
    })),
  ],
  test: {
    globalSetup: ['./test/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
