/**
 * `npm run admin:create -- --email E --password P [--name N] [--promote]`: makes an admin account.
 * Reaches DATABASE_URL when set (production: Neon's URL), else the running `npm run dev` database, else the
 * embedded one under .data/. The password may come from ADMIN_PASSWORD instead of --password, to keep it out
 * of shell history. An existing email is refused unless --promote is given (see src/services/admins.ts).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/neon-serverless';
import * as schema from '../db/schema';
import { ApiError } from '../lib/errors';
import { createAdmin } from '../services/admins';
import { DATA_DIR, readDevState } from './local-database';
import { applyMigrations, nodePool, startEmbeddedPostgres, type EmbeddedPostgres } from './postgres';
import { startRelay, type Relay } from './relay';

const USAGE = 'usage: npm run admin:create -- --email E --password P [--name "Full Name"] [--promote]';

async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string', default: 'Administrator' },
      promote: { type: 'boolean', default: false },
    },
  });
  const password = values.password ?? process.env.ADMIN_PASSWORD;
  if (!values.email || !password) throw new Error(USAGE);

  let url = process.env.DATABASE_URL;
  let relayPort: number | undefined;
  let relay: Relay | null = null;
  let embedded: EmbeddedPostgres | null = null;
  const dev = url ? null : readDevState();
  if (dev) {
    ({ databaseUrl: url, relayPort } = dev);
  } else {
    if (!url) {
      // No server running: open the embedded database ourselves (PGlite allows one process) and bring it up to date.
      embedded = await startEmbeddedPostgres(path.join(DATA_DIR, 'pglite'));
      url = embedded.url;
    }
    relay = await startRelay();
    relayPort = relay.port;
    if (embedded) await applyMigrations(url, relayPort);
  }

  const pool = nodePool(url!, relayPort);
  try {
    const db = drizzle({ client: pool, schema });
    const { user, outcome } = await createAdmin(db, { email: values.email, password, fullName: values.name, promote: values.promote });
    const where = dev ? 'the running dev database' : embedded ? 'the embedded database (.data/pglite)' : new URL(url!).host;
    console.log(`admin ${outcome}: ${user.email} (${user.id}) in ${where}`);
  } finally {
    await pool.end();
    await relay?.close();
    await embedded?.stop();
  }
}

main().then(
  // Exit explicitly: PGlite's socket server (the dev database) keeps a finished connection open, which would
  // keep this process alive after its work is done.
  () => process.exit(0),
).catch((err) => {
  const details = err instanceof ApiError && err.details ? err.details.map((d) => `\n  ${d.path}: ${d.message}`).join('') : '';
  console.error(`admin:create: ${err instanceof Error ? err.message : String(err)}${details}`);
  process.exit(1);
});
