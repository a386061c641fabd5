/** The throwaway database both benchmarks (bench-tasks.ts, bench-ledger.ts) run against. */
import { randomBytes } from 'node:crypto';
import type { Pool } from '@neondatabase/serverless';
import { applyMigrations, nodePool } from './postgres';
import { startRelay } from './relay';

export interface BenchDatabase {
  /** Its connection string, reached through `relayPort`. */
  url: string;
  relayPort: number;
  pool: Pool;
}

/**
 * A migrated throwaway database on BENCH_DATABASE_URL's server (default: the machine's Postgres), for the benchmarks.
 * Dropped afterwards unless the command line says --keep.
 */
export async function withBenchDatabase(run: (db: BenchDatabase) => Promise<void>): Promise<void> {
  const keep = process.argv.includes('--keep');
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const relay = await startRelay();
  const admin = nodePool(server, relay.port);
  const name = `ghh_bench_${Date.now()}_${randomBytes(3).toString('hex')}`;
  await admin.query(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const pool = nodePool(url.toString(), relay.port);
  try {
    await applyMigrations(url.toString(), relay.port);
    await run({ url: url.toString(), relayPort: relay.port, pool });
  } finally {
    await pool.end();
    if (!keep) await admin.query(`drop database if exists ${name} with (force)`);
    else console.log(`kept database ${name}`);
    await admin.end();
    await relay.close();
  }
}
