/**
 * Keys for `npm run dev`, generated once into .data/ (git-ignored) so each checkout has its own and tokens and
 * sealed webhook secrets survive restarts: the JWT signing key (unused when .dev.vars sets JWT_SIGNING_KEYS; the
 * Worker's built-in development key in src/services/tokens.ts remains for the test suite) and WEBHOOK_SECRETS_KEY
 * (unused when .dev.vars sets it; the test suite generates its own). Production refuses to run without real keys.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DATA_DIR } from './local-database';
import { PROJECT_ROOT } from './postgres';

const KEY_FILE = path.join(DATA_DIR, 'jwt-signing-keys.json');
const SECRETS_KEY_FILE = path.join(DATA_DIR, 'webhook-secrets-key');

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

/** The WEBHOOK_SECRETS_KEY value to pass to `wrangler dev`, or null when .dev.vars provides one. */
export function devWebhookSecretsKey(): string | null {
  if (setInDevVars('WEBHOOK_SECRETS_KEY')) return null;
  if (!fs.existsSync(SECRETS_KEY_FILE)) {
    fs.mkdirSync(DATA_DIR, { recursive: true });
    fs.writeFileSync(SECRETS_KEY_FILE, `dev-${randomBytes(4).toString('hex')}:${randomBytes(32).toString('base64')}`, { mode: 0o600 });
  }
  return fs.readFileSync(SECRETS_KEY_FILE, 'utf8').trim();
}
