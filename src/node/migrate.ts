/**
 * `npm run db:migrate`: applies drizzle/ to DATABASE_URL (use Neon's direct, non-pooled URL in production),
 * or to the running `npm run dev` database, or else to the embedded one in .data/postgres (started for the
 * command and stopped after it).
 */
import { startRelay } from './relay';
import { startEmbeddedPostgres } from './embedded-server';
import { applyMigrations } from './postgres';
import { EMBEDDED_DATA_DIR, readDevState } from './local-database';

async function main() {
  const dev = readDevState();
  if (!process.env.DATABASE_URL && dev) {
    await applyMigrations(dev.databaseUrl, dev.relayPort);
    console.log('migrations applied to the running dev database');
    return;
  }
  const relay = await startRelay();
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(EMBEDDED_DATA_DIR);
  const url = process.env.DATABASE_URL ?? embedded!.url;
  try {
    await applyMigrations(url, relay.port);
    console.log(embedded ? 'migrations applied to the embedded database (.data/postgres)' : `migrations applied to ${new URL(url).host}${new URL(url).pathname}`);
  } finally {
    await relay.close();
    await embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
