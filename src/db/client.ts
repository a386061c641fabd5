import { Pool, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import * as schema from './schema';

export type Db = ReturnType<typeof drizzle<typeof schema>>;
/** A transaction handle; services take `Db | Tx` where they can run inside either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

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
  close: () => Promise<void>;
}

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
    db: drizzle({ client: pool, schema }),
    close: () => {
      closing = true;
      return pool.end();
    },
  };
}
