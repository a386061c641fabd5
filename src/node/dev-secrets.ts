/**
 * A JWT signing key for `npm run dev`, generated once into .data/ (git-ignored) so each checkout has its own
 * and tokens survive restarts. Unused when .dev.vars sets JWT_SIGNING_KEYS. (The Worker's built-in development
 * key in src/services/tokens.ts remains for the test suite; production refuses to run without real keys.)
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DATA_DIR } from './local-database';
import { PROJECT_ROOT } from './postgres';

const KEY_FILE = path.join(DATA_DIR, 'jwt-signing-keys.json');

function setInDevVars(name: string): boolean {
  try {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, '.dev.vars'), 'utf8');
    return new RegExp(`^\\s*${name}\\s*=\\s*\\S`, 'm').test(text);
  } catch {
    return false;
  }
}

/** The JWT_SIGNING_KEYS value to pass to `wrangler dev`, or null when .dev.vars provides one. */
export function devSigningKeys(): string | null {
  if (setInDevVars('JWT_SIGNING_KEYS')) return null;
  if (!fs.existsSync(KEY_FILE)) {
    const keys = [{ kid: `dev-${randomBytes(4).toString('hex')}`, secret: randomBytes(32).toString('base64url') }];
    fs.mkdirSync(DATA_DIR, { recursive: true });
    fs.writeFileSync(KEY_FILE, JSON.stringify(keys), { mode: 0o600 });
  }
  return fs.readFileSync(KEY_FILE, 'utf8').trim();
}
