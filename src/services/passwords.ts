/**
 * Password hashing with scrypt (node:crypto under nodejs_compat; workerd runs it natively). Parameters are one
 * of OWASP's listed scrypt settings (N=2^14, r=8, p=5: 16 MiB, well inside a Worker's 128 MB) and are stored
 * with each hash, so they can be raised later: `needsRehash` tells login to re-hash an old one.
 * Format: scrypt$<logN>$<r>$<p>$<salt b64>$<hash b64>
 */
import { scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  logN: number;
  r: number;
  p: number;
}

export const CURRENT_PARAMS: ScryptParams = { logN: 14, r: 8, p: 5 };
const KEY_LENGTH = 32;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function derive(password: string, salt: Uint8Array, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r: params.r, p: params.p, maxmem: 256 * N * params.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const key = await derive(password, salt, params);
  return ['scrypt', params.logN, params.r, params.p, b64(salt), b64(key)].join('$');
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const [scheme, logN, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return null;
  return { params: { logN: Number(logN), r: Number(r), p: Number(p) }, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
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
 * A hash of a password nobody has, so an unknown email costs the same KDF run as a wrong password.
 * Computed lazily, once per isolate (a constant derived from no request data).
 */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password');
  return dummyHash;
}
