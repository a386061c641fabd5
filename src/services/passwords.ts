/**
 * Password hashing with scrypt (node:crypto under nodejs_compat; workerd runs it natively). Parameters are one
 * of OWASP's listed scrypt settings (N=2^14, r=8, p=5: 16 MiB, well inside a Worker's 128 MB) and are stored
 * with each hash, so they can be raised later: `needsRehash` tells login to re-hash an old one.
 * Format: scrypt$<logN>$<r>$<p>$<salt b64>$<hash b64>
 *
 * OWASP's other listed settings (2^17/8/1 at 128 MiB down to 2^13/8/10 at 8 MiB) cost the same CPU, since
 * scrypt's work grows with N*r*p; they trade memory-hardness against the isolate's memory. The measured cost is
 * in docs/auth.md, "Password hashing".
 */
import { scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

export const CURRENT_PARAMS: ScryptParams = { logN: 14, r: 8, p: 5 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function derive(password: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r: params.r, p: params.p, maxmem: 256 * N * params.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

function format(params: ScryptParams, salt: Uint8Array, key: Uint8Array): string {
  return ['scrypt', params.logN, params.r, params.p, b64(salt), b64(key)].join('$');
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_LENGTH));
  return format(params, salt, await derive(password, salt, params));
}

/** Stored parameters outside these bounds are treated as corrupt rather than run (a 2^30 N would exhaust memory). */
const inBounds = ({ logN, r, p }: ScryptParams) =>
  Number.isInteger(logN) && logN >= 10 && logN <= 20 && Number.isInteger(r) && r >= 1 && r <= 32 && Number.isInteger(p) && p >= 1 && p <= 16;

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const [scheme, logN, r, p, salt, key, ...rest] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key || rest.length > 0) return null;
  const params = { logN: Number(logN), r: Number(r), p: Number(p) };
  return inBounds(params) ? { params, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') } : null;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  const { logN, r, p } = parsed.params;
  return logN !== CURRENT_PARAMS.logN || r !== CURRENT_PARAMS.r || p !== CURRENT_PARAMS.p;
}

/**
 * What an unknown email is checked against, so it costs the same KDF run as a wrong password. A constant with
 * the current parameters (no password derives an all-zero key): no isolate pays an extra hash to build it.
 */
export const DUMMY_PASSWORD_HASH = format(CURRENT_PARAMS, new Uint8Array(SALT_LENGTH), new Uint8Array(KEY_LENGTH));
