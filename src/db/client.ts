import { neon, neonConfig, Pool } from '@neondatabase/serverless';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzleHttp } from 'drizzle-orm/neon-http';
import { drizzle as drizzlePool, type NeonQueryResultHKT } from 'drizzle-orm/neon-serverless';
import type { PgDatabase, PgTransaction } from 'drizzle-orm/pg-core';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';

/**
 * What services and queries run on: the database, or a transaction standing in for it (a request that carries an
 * Idempotency-Key runs whole inside one, so a service's own `transaction` becomes a savepoint of it). Queries use
 * the query builder on the tables of ./schema, never drizzle's relational API (drizzle is built without a schema).
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
 * A plain local Postgres speaks neither of the Neon driver's protocols: on a loopback host the driver is sent to the
 * local endpoint (src/node/relay.ts), which answers SQL over HTTP and relays WebSockets to Postgres' TCP port.
 * neonConfig is global, but it only depends on the Worker's env, which is the same for every request an isolate
 * serves, so setting it here holds no request state.
 */
function routeToLocalEndpoint(relayPort: string): void {
  neonConfig.fetchEndpoint = () => `http://127.0.0.1:${relayPort}/sql`;
  neonConfig.wsProxy = (host, port) => `127.0.0.1:${relayPort}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

/**
 * How long a request waits for the database before it gives up and answers 503: an unreachable host (packets
 * dropped, no refusal) would otherwise hold the request until the platform kills it. For the Pool it covers opening
 * the WebSocket, Postgres' startup and authentication; over HTTP, one whole statement (none of ours takes more than
 * a few milliseconds). A suspended Neon compute typically wakes in under a second, so 5 s leaves room for that.
 */
export const DB_CONNECT_TIMEOUT_MS = 5_000;

/** Every statement sent over HTTP gets its own deadline (a signal given to neon() would be shared by all of them). */
function fetchWithDeadline(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  return fetch(input, { ...init, signal: AbortSignal.timeout(DB_CONNECT_TIMEOUT_MS) });
}

/**
 * Built once per isolate and database: Neon's HTTP query function with drizzle over it. It holds no connection
 * (each statement is one fetch, which the runtime keeps alive between requests), so every request can share it.
 * Typed as the Pool's database: the query builder is the same, and the raw results of execute() have the same
 * { rows, rowCount } on both paths.
 */
let shared: { url: string; db: Db } | undefined;

function httpDatabase(url: string): Db {
  if (shared?.url !== url) {
    neonConfig.fetchFunction = fetchWithDeadline;
    shared = { url, db: drizzleHttp({ client: neon(url) }) as unknown as Db };
  }
  return shared.db;
}

export interface DbHandle {
  /** Statements over HTTP; `db.transaction` runs on this request's WebSocket Pool, opened at its first use. */
  db: Db;
  /** The request's Pool, opened now if it is not yet (tests hold transactions of their own on it). */
  pool: () => Pool;
  /** Whether anything in this request needed the Pool. */
  poolOpened: () => boolean;
  close: () => Promise<void>;
}

const CLOSE_WAIT_MS = 1000;

/**
 * The driver rejects with the WebSocket's own error event when the connection fails; an Event thrown on through the
 * request reaches the runtime as an uncaught error event rather than as an error, so it is turned into an Error
 * here, where it arises (src/lib/db-errors.ts reads it as an outage).
 */
function socketError(event: Event): Error {
  const message = event instanceof ErrorEvent ? event.message : event.type;
  return new Error(`WebSocket error: ${message}`, { cause: event });
}

/**
 * The request's database: reads and single-statement writes go over HTTP (no connection to set up), and only an
 * interactive transaction opens a WebSocket Pool, which Workers cannot share across requests; close it with waitUntil.
 */
export function openDb(env: AppEnv): DbHandle {
  const url = env.DATABASE_URL;
  if (!url) throw new ApiError('INTERNAL', 'DATABASE_URL is not configured.');
  if (isLoopbackDatabase(url)) {
    if (!env.DB_RELAY_PORT) throw new ApiError('INTERNAL', 'DB_RELAY_PORT is required for a loopback DATABASE_URL.');
    routeToLocalEndpoint(env.DB_RELAY_PORT);
  }
  let pool: Pool | undefined;
  let poolDb: Db | undefined;
  let closing = false;
  const openPool = (): Pool => {
    if (pool) return pool;
    pool = new Pool({ connectionString: url, max: 5, connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS });
    // A dropped idle connection must not crash the isolate; the next query reconnects. Sockets torn down by our own
    // close() report "connection lost" too: expected, not logged.
    pool.on('error', (err: Error) => {
      if (!closing) console.error(JSON.stringify({ level: 'error', message: `db pool: ${err.message}` }));
    });
    return pool;
  };
  // The shared HTTP database with this request's transactions: an object of its own whose prototype is the shared
  // one, so nothing of the request is written onto what other requests use.
  const db: Db = Object.create(httpDatabase(url));
  db.transaction = ((work, config) => {
    poolDb ??= drizzlePool({ client: openPool() });
    return poolDb.transaction(work, config).catch((err: unknown) => {
      throw err instanceof Event ? socketError(err) : err;
    });
  }) as Db['transaction'];
  return {
    db,
    pool: openPool,
    poolOpened: () => pool !== undefined,
    close: () => {
      closing = true;
      if (!pool) return Promise.resolve();
      // A connection whose server went away mid-query never reports its end, and pool.end() would wait for it until
      // the runtime cuts waitUntil off; its socket goes with the request anyway, so stop waiting after a moment.
      return Promise.race([pool.end(), new Promise<void>((resolve) => setTimeout(resolve, CLOSE_WAIT_MS))]);
    },
  };
}
