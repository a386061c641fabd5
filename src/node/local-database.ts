/**
 * The database `npm run dev` and the Node commands use locally: DATABASE_URL when set, else the embedded Postgres
 * server whose data lives in .data/postgres. Only one server can run on that folder (Postgres locks it), so while
 * `npm run dev` runs it writes where its server is to .data/dev.json, and the other commands (db:migrate,
 * admin:create) use that server instead of starting their own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './postgres';

export const DATA_DIR = path.join(PROJECT_ROOT, '.data');
export const DEV_STATE_FILE = path.join(DATA_DIR, 'dev.json');
/** The embedded server's data folder (`rm -rf .data/postgres` resets the local database). */
export const EMBEDDED_DATA_DIR = path.join(DATA_DIR, 'postgres');

export interface DevState {
  databaseUrl: string;
  relayPort: number;
  pid: number;
}

export function readDevState(): DevState | null {
  try {
    const state = JSON.parse(fs.readFileSync(DEV_STATE_FILE, 'utf8')) as DevState;
    process.kill(state.pid, 0); // throws when that dev server is gone
    return state;
  } catch {
    return null;
  }
}

export function writeDevState(state: DevState): void {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  fs.writeFileSync(DEV_STATE_FILE, JSON.stringify(state));
}

export function clearDevState(): void {
  fs.rmSync(DEV_STATE_FILE, { force: true });
}
