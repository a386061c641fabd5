/**
 * The database `npm run dev` and the Node commands use locally: DATABASE_URL when set, else the embedded
 * PGlite under .data/. While `npm run dev` runs it writes where its database is to .data/dev.json, so other
 * commands (db:migrate, admin:create) reach the same data through it: PGlite allows a single process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './postgres';

export const DATA_DIR = path.join(PROJECT_ROOT, '.data');
export const DEV_STATE_FILE = path.join(DATA_DIR, 'dev.json');

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
