/**
 * The Worker in workerd (wrangler) over a given database, with local payments and no request log: what the
 * benchmark and the browser tests serve over HTTP. `inspectorPort` opens the DevTools inspector (for a CPU profile).
 */
import { unstable_startWorker } from 'wrangler';

export function startLocalWorker(database: { url: string; relayPort: number }, options: { inspectorPort?: number } = {}) {
  const text = (value: string) => ({ type: 'plain_text' as const, value });
  return unstable_startWorker({
    config: './wrangler.toml',
    bindings: {
      DATABASE_URL: text(database.url),
      DB_RELAY_PORT: text(String(database.relayPort)),
      LOG_REQUESTS: text('false'),
      // Empty, not absent: a developer's .dev.vars must not switch these runs to real Stripe.
      STRIPE_SECRET_KEY: text(''),
      STRIPE_WEBHOOK_SECRET: text(''),
    },
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: options.inspectorPort === undefined ? false : { port: options.inspectorPort },
      persist: false,
      watch: false,
      logLevel: 'warn',
    },
  });
}
