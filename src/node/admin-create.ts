/**
 * `npm run admin:create -- --email E --password P [--name N] [--promote]`: makes an admin account.
 * Reaches DATABASE_URL when set (production: Neon's URL), else the running `npm run dev` database, else the
 * embedded one in .data/postgres (started for the command, migrated, and stopped after it). The password may come from ADMIN_PASSWORD instead of --password, to keep it out
 * of shell history. An existing email is refused unless --promote is given (see src/services/admins.ts).
 */
import { parseArgs } from 'node:util';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { ApiError } from '../lib/errors';
import { createAdmin } from '../services/admins';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-server';
import { EMBEDDED_DATA_DIR, readDevState } from './local-database';
import { applyMigrations, nodePool } from './postgres';
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
  } else if (!url) {
    // No dev server running: start the embedded one on its folder ourselves (stopped below, whatever happens).
    embedded = await startEmbeddedPostgres(EMBEDDED_DATA_DIR);
    url = embedded.url;
  }

  try {
    if (!dev) {
      relay = await startRelay();
      relayPort = relay.port;
      if (embedded) await applyMigrations(url!, relayPort);
    }
    const pool = nodePool(url!, relayPort);
    try {
      const db = drizzle({ client: pool });
      const { user, outcome } = await createAdmin(db, { email: values.email, password, fullName: values.name, promote: values.promote });
      const where = dev ? 'the running dev database' : embedded ? 'the embedded database (.data/postgres)' : new URL(url!).host;
      console.log(`admin ${outcome}: ${user.email} (${user.id}) in ${where}`);
    } finally {
      await pool.end();
    }
  } finally {
    await relay?.close();
    await embedded?.stop();
  }
}

main().catch((err) => {
  const details = err instanceof ApiError && err.details ? err.details.map((d) => `\n  ${d.path}: ${d.message}`).join('') : '';
  console.error(`admin:create: ${err instanceof Error ? err.message : String(err)}${details}`);
  process.exit(1);
});
