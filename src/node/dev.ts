/**
 * `npm run dev`: the whole API on http://127.0.0.1:8787 with nothing to configure. Starts the embedded Postgres
 * server on .data/postgres (or uses DATABASE_URL), the relay, applies migrations, then runs `wrangler dev`.
 * Ctrl-C stops all of it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startRelay } from './relay';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-server';
import { applyMigrations, PROJECT_ROOT } from './postgres';
import { clearDevState, EMBEDDED_DATA_DIR, readDevState, writeDevState } from './local-database';
import { devSigningKeys, devWebhookSecretsKey } from './dev-secrets';

const PORT = Number(process.env.PORT ?? 8787);
const log = (message: string) => console.log(`[dev] ${message}`);

async function main() {
  const started = Date.now();
  if (readDevState()) throw new Error('another `npm run dev` is already running on this folder');
  let embedded: EmbeddedPostgres | null = null;
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const fresh = !fs.existsSync(path.join(EMBEDDED_DATA_DIR, 'PG_VERSION'));
    embedded = await startEmbeddedPostgres(EMBEDDED_DATA_DIR);
    databaseUrl = embedded.url;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    log(`embedded Postgres at ${new URL(databaseUrl).host}, data in .data/postgres (${fresh ? 'created' : 'started'} in ${seconds}s)`);
  } else {
    log(`using DATABASE_URL (${new URL(databaseUrl).host})`);
  }
  const relay = await startRelay();
  try {
    await applyMigrations(databaseUrl, relay.port);
  } catch (err) {
    // The server is our child: stop it, or it would outlive this process.
    await relay.close();
    await embedded?.stop();
    throw err;
  }
  log('migrations applied');
  writeDevState({ databaseUrl, relayPort: relay.port, pid: process.pid });
  const signingKeys = devSigningKeys();
  if (signingKeys) log('JWT signing key from .data/jwt-signing-keys.json');
  const secretsKey = devWebhookSecretsKey();
  if (secretsKey) log('WEBHOOK_SECRETS_KEY from .data/webhook-secrets-key');

  const vars = { DATABASE_URL: databaseUrl, DB_RELAY_PORT: String(relay.port), ...(signingKeys ? { JWT_SIGNING_KEYS: signingKeys } : {}), ...(secretsKey ? { WEBHOOK_SECRETS_KEY: secretsKey } : {}), ...passThroughVars() };
  const wrangler = spawn(
    path.join(PROJECT_ROOT, 'node_modules/.bin/wrangler'),
    ['dev', '--ip', '127.0.0.1', '--port', String(PORT), ...Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`])],
    {
      cwd: PROJECT_ROOT,
      stdio: ['inherit', 'inherit', 'inherit'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
    },
  );

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    wrangler.kill('SIGTERM');
    clearDevState();
    await relay.close();
    await embedded?.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  wrangler.on('exit', (code) => void stop(code ?? 0));

  const base = `http://127.0.0.1:${PORT}`;
  for (let i = 0; i < 120 && !stopping; i++) {
    try {
      const res = await fetch(`${base}/health`);
      if (res.ok) {
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        log(`ready in ${seconds}s\n\n  API   ${base}\n  Docs  ${base}/docs\n  Spec  ${base}/openapi.json\n\n  Ctrl-C stops everything.\n`);
        runCronLocally(base);
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Variables a developer may set in the shell for one run (e.g. ENVIRONMENT=production to try the HTTPS rule). */
function passThroughVars(): Record<string, string> {
  const names = ['ENVIRONMENT', 'JWT_SIGNING_KEYS', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'WEBHOOK_SECRETS_KEY'];
  return Object.fromEntries(names.filter((n) => process.env[n]).map((n) => [n, process.env[n]!]));
}

/** wrangler dev does not fire Cron Triggers; mirror wrangler.toml's five-minute schedule so local data ages as in production. */
function runCronLocally(base: string) {
  const timer = setInterval(() => {
    fetch(`${base}/cdn-cgi/local/scheduled`).catch(() => undefined);
  }, 5 * 60_000);
  timer.unref();
}

main().catch((err) => {
  console.error(`[dev] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
