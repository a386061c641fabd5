import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { resolve } from 'node:path';
import type { Alias, Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { unstable_readConfig } from 'wrangler';

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

/**
 * wrangler.toml's [alias] stand-ins (src/bundle/), applied to the tests too: the plugin reads the config but does not
 * apply aliases, and the suite must run the modules the deployed bundle runs. Wrangler matches whole import paths.
 */
const bundleAliases: Alias[] = Object.entries(unstable_readConfig({ config: 'wrangler.toml' }).alias ?? {}).map(
  ([path, replacement]) => ({
    find: new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`),
    replacement: resolve(replacement),
  }),
);

/**
 * Two projects, one `vitest run`: `workers`, every test inside workerd against the Worker's fetch handler; and
 * `browser`, the HTML pages in Chromium, which workerd cannot launch, and whatever needs the Worker as a client sees
 * it (its static assets, /docs; the typed client): those tests run in Node against the Worker served over HTTP with
 * its assets (test/browser/global-setup.ts). One of them alone: `npx vitest run --project browser`.
 */
export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias: bundleAliases },
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
                WEBHOOK_SECRETS_KEY: inject('webhookSecretsKey'),
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          globalSetup: ['./test/global-setup.ts'],
          include: ['test/**/*.test.ts'],
          exclude: ['test/browser/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          globalSetup: ['./test/browser/global-setup.ts'],
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
