/** Node-side database helpers shared by the dev server, the migrate/admin commands and the test setup. */
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { migrate } from 'drizzle-orm/neon-serverless/migrator';
import { createRequire } from 'node:module';

const ws = createRequire(import.meta.url)('ws') as typeof import('ws');

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'drizzle');

const isLoopback = (url: string) => ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(new URL(url).hostname);

/** Same driver as the Worker; loopback databases go through the relay, Neon through its own defaults. */
export function nodePool(url: string, relayPort?: number, max = 4): Pool {
  neonConfig.webSocketConstructor = ws as unknown as typeof neonConfig.webSocketConstructor;
  // Without this, each query from Node waits for a coalescing tick (~1.4 ms).
  neonConfig.coalesceWrites = false;
  if (isLoopback(url)) {
    if (!relayPort) throw new Error('a loopback DATABASE_URL needs the relay port');
    neonConfig.wsProxy = (host, port) => `127.0.0.1:${relayPort}/v2?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
  const pool = new Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
}

export async function applyMigrations(url: string, relayPort?: number): Promise<void> {
  const pool = nodePool(url, relayPort);
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await pool.end();
  }
}

/** True when something accepts TCP connections at host:port within the timeout. */
export function portAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
