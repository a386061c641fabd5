/**
 * `npm run db:migrate`: applies drizzle/ to DATABASE_URL (use Neon's direct, non-pooled URL in production),
 * or to the running `npm run dev` database, or to the embedded one under .data/.
 */
import path from 'node:path';
import { startRelay } from './relay';
import { applyMigrations, startEmbeddedPostgres } from './postgres';
import { DATA_DIR, readDevState } from './local-database';

async function main() {
  const dev = readDevState();
  if (!process.env.DATABASE_URL && dev) {
    await applyMigrations(dev.databaseUrl, dev.relayPort);
    console.log('migrations applied to the running dev database');
    return;
  }
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(path.join(DATA_DIR, 'pglite'));
  const url = process.env.DATABASE_URL ?? embedded!.url;
  const relay = await startRelay();
  try {
    await applyMigrations(url, relay.port);
    console.log(`migrations applied to ${new URL(url).host}${new URL(url).pathname}`);
  } finally {
    await relay.close();
    await embedded?.stop();
  }
}

main().then(
  // Exit explicitly: PGlite's socket server (the dev database) keeps a finished connection open.
  () => process.exit(0),
).catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
