import { Pool, neonConfig } from '@neondatabase/serverless';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle, type NeonQueryResultHKT } from 'drizzle-orm/neon-serverless';
import type { PgDatabase, PgTransaction } from 'drizzle-orm/pg-core';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';

/**
 * What services and queries run on: the database, or a transaction standing in for it (a request that carries an
 * Idempotency-Key runs whole inside one, so a service's own `transaction` becomes a savepoint of it). Queries use
 * the query builder on the tables of ./schema, never drizzle's relational API: without a schema handed to
 * drizzle(), building the handle each request costs under a microsecond instead of about 0.25 ms.
 */
type NoSchema = Record<string, never>;
export type Db = PgDatabase<NeonQueryResultHKT, NoSchema, ExtractTablesWithRelations<NoSchema>>;
/** A transaction handle, for code that must run inside one. */
export type Tx = PgTransaction<NeonQueryResultHKT, NoSchema, ExtractTablesWithRelations<NoSchema>>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackDatabase(url: string): boolean {
  return LOOPBACK.has(new URL(url).hostname);
}

/**
 * A plain local Postgres speaks TCP, the Neon driver speaks WebSocket: on a loopback host the driver is sent
 * through the local relay (see src/node/relay.ts). neonConfig is global, but it only depends on the Worker's
 * env, which is the same for every request an isolate serves, so setting it here holds no request state.
 */
function routeThroughRelay(relayPort: string): void {
  neonConfig.wsProxy = (host, port) => `127.0.0.1:${relayPort}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

/**
 * How long a request waits for a database connection before it gives up and answers 503: an unreachable host
 * (packets dropped, no refusal) would otherwise hold the request until the platform kills it. Covers opening the
 * WebSocket, Postgres' startup and authentication. A suspended Neon compute typically wakes in under a second, so 5 s
 * leaves room for that and still answers promptly.
 */
export const DB_CONNECT_TIMEOUT_MS = 5_000;

export interface DbHandle {
  db: Db;
  /** The connections behind `db` (tests count them). */
  pool: Pool;
  close: () => Promise<void>;
}

const CLOSE_WAIT_MS = 1000;

/** One WebSocket Pool per request (Workers cannot share sockets across requests); close it with waitUntil. */
export function openDb(env: AppEnv): DbHandle {
  const url = env.DATABASE_URL;
  if (!url) throw new ApiError('INTERNAL', 'DATABASE_URL is not configured.');
  if (isLoopbackDatabase(url)) {
    if (!env.DB_RELAY_PORT) throw new ApiError('INTERNAL', 'DB_RELAY_PORT is required for a loopback DATABASE_URL.');
    routeThroughRelay(env.DB_RELAY_PORT);
  }
  const pool = new Pool({ connectionString: url, max: 5, connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS });
  let closing = false;
  // A dropped idle connection must not crash the isolate; the next query reconnects. Sockets torn down by our own
  // close() report "connection lost" too: expected, not logged.
  pool.on('error', (err: Error) => {
    if (!closing) console.error(JSON.stringify({ level: 'error', message: `db pool: ${err.message}` }));
  });
  return {
    db: drizzle({ client: pool }),
    pool,
    close: () => {
      closing = true;
      // A connection whose server went away mid-query never reports its end, and pool.end() would wait for it until
      // the runtime cuts waitUntil off; its socket goes with the request anyway, so stop waiting after a moment.
      return Promise.race([pool.end(), new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS))]);
    },
  };
}
