/** Direct database access for fixtures and for asserting what the API stored. Same driver path as the Worker. */
import { env } from 'cloudflare:test';
import { openDb, type Db } from '../../src/db/client';

export async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const handle = openDb(env);
  try {
    return await fn(handle.db);
  } finally {
    await handle.close();
  }
}
