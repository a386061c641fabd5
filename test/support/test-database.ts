/**
 * The database a test run uses, for both test projects (workerd and browser): TEST_DATABASE_URL, else the machine's
 * Postgres if it answers, else an embedded Postgres server of its own (TEST_DATABASE=embedded forces it). A server gets a fresh
 * database for the run, dropped afterwards. Migrated before it is handed out. Runs in Node.
 */
import { randomBytes } from 'node:crypto';
import { startEmbeddedPostgres } from '../../src/node/embedded-server';
import { applyMigrations, nodePool, portAnswers } from '../../src/node/postgres';

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

async function pickServer(): Promise<string | null> {
  if (process.env.TEST_DATABASE === 'embedded') return null;
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  if (await portAnswers('127.0.0.1', 5432)) return 'postgres://postgres@127.0.0.1:5432/postgres';
  return null;
}

/** `label` names the run in the log line; `relayPort` is the WebSocket relay the Neon driver reaches it through. */
export async function openTestDatabase(relayPort: number, label: string): Promise<TestDatabase> {
  const serverUrl = await pickServer();
  let database: TestDatabase;
  if (serverUrl) {
    const name = `ghh_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
    const admin = nodePool(serverUrl, relayPort);
    await admin.query(`CREATE DATABASE ${name}`);
    // A throwaway database need not wait for the disk at every commit; transactions and locks behave the same.
    await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    database = {
      url: url.toString(),
      drop: async () => {
        const pool = nodePool(serverUrl, relayPort);
        await pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await pool.end();
      },
    };
    console.log(`[${label}] Postgres server ${new URL(serverUrl).host}, database ${name}`);
  } else {
    // A server of its own on a throwaway folder in the OS temp dir, removed when it stops.
    const started = Date.now();
    const embedded = await startEmbeddedPostgres();
    database = { url: embedded.url, drop: embedded.stop };
    console.log(`[${label}] embedded Postgres ${new URL(embedded.url).host} on ${embedded.dataDir}, started in ${Date.now() - started} ms`);
  }
  await applyMigrations(database.url, relayPort);
  return database;
}
