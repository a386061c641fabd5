/**
 * Signing secrets at rest (docs/webhooks.md, "Secrets at rest"). The Worker must read a secret to sign with it, so it cannot be
 * hashed; it is sealed with AES-256-GCM under WEBHOOK_SECRETS_KEY instead, so a leak of the database alone forges
 * nothing. The key is `kid:base64,kid2:base64`: the first seals, every one opens, so a new key can be put first while
 * rows sealed under the old one keep working. A sealed value is `v1:<kid>:<iv base64>:<ciphertext base64>`, and the
 * row it belongs to is bound in as additional data, so a sealed secret copied into another row does not open there.
 * Rows written before sealing hold the secret as issued (`whsec_...`); those are read as they are.
 */
import type { AppEnv } from '../../env';
import { SECRET_PREFIX } from './signature';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;

interface SecretsKey {
  kid: string;
  key: CryptoKey;
}

/** A sealed secret that cannot be opened: tampered, or sealed under a key no longer configured. */
export class UnreadableSecretError extends Error {}

const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const toBase64 = (bytes: ArrayBuffer | Uint8Array): string => btoa(String.fromCharCode(...new Uint8Array(bytes)));

/** The configured keys' ids and bytes; throws with the reason when the value is missing or malformed. */
export function parseSecretsKeys(raw: string | undefined): { kid: string; bytes: Uint8Array }[] {
  if (!raw?.trim()) throw new Error('WEBHOOK_SECRETS_KEY is not set');
  const keys = raw.split(',').map((entry) => {
    const [kid, b64, ...rest] = entry.trim().split(':');
    if (!kid || !/^[A-Za-z0-9_-]+$/.test(kid) || !b64 || rest.length > 0) {
      throw new Error('WEBHOOK_SECRETS_KEY must be a comma-separated list of kid:base64');
    }
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(b64.replace(/-/g, '+').replace(/_/g, '/'));
    } catch {
      throw new Error(`WEBHOOK_SECRETS_KEY key "${kid}" is not base64`);
    }
    if (bytes.length !== KEY_BYTES) throw new Error(`WEBHOOK_SECRETS_KEY key "${kid}" must be ${KEY_BYTES} bytes`);
    return { kid, bytes };
  });
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new Error('WEBHOOK_SECRETS_KEY key ids must be unique');
  return keys;
}

/** Why the configured key cannot be used, or null when it can (checked before serving production). */
export function secretsKeyProblem(env: AppEnv): string | null {
  try {
    parseSecretsKeys(env.WEBHOOK_SECRETS_KEY);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

// Importing a key costs a little on every call; the value only changes with a deploy, so one import per isolate.
let cached: { raw: string; keys: Promise<SecretsKey[]> } | null = null;

function secretsKeys(env: AppEnv): Promise<SecretsKey[]> {
  const raw = env.WEBHOOK_SECRETS_KEY ?? '';
  if (cached?.raw !== raw) {
    const parsed = parseSecretsKeys(raw);
    const keys = Promise.all(
      parsed.map(async ({ kid, bytes }) => ({
        kid,
        key: await crypto.subtle.importKey('raw', bytes, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']),
      })),
    );
    cached = { raw, keys };
  }
  return cached!.keys;
}

/** Seals `secret` for the row named by `owner` (e.g. `webhook_endpoints:whe_...`), under the first key. */
export async function sealSecret(env: AppEnv, secret: string, owner: string): Promise<string> {
  const [first] = await secretsKeys(env);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const additionalData = new TextEncoder().encode(owner);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData }, first!.key, new TextEncoder().encode(secret));
  return [VERSION, first!.kid, toBase64(iv), toBase64(sealed)].join(':');
}

/** The secret a stored value holds. A value from before sealing (`whsec_...`) is returned as it is. */
export async function openSecret(env: AppEnv, stored: string, owner: string): Promise<string> {
  if (stored.startsWith(SECRET_PREFIX)) return stored;
  const [version, kid, iv, sealed, ...rest] = stored.split(':');
  if (version !== VERSION || !kid || !iv || !sealed || rest.length > 0) throw new UnreadableSecretError('The signing secret is stored in an unknown format.');
  const key = (await secretsKeys(env)).find((k) => k.kid === kid);
  if (!key) throw new UnreadableSecretError(`The signing secret is sealed under key "${kid}", which WEBHOOK_SECRETS_KEY no longer holds.`);
  try {
    const additionalData = new TextEncoder().encode(owner);
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv), additionalData }, key.key, fromBase64(sealed));
    return new TextDecoder().decode(plain);
  } catch {
    throw new UnreadableSecretError(`The signing secret does not open under key "${kid}": it was altered or belongs to another row.`);
  }
}

/** The additional data binding a sealed secret to its row. */
export const endpointOwner = (endpointId: string): string => `webhook_endpoints:${endpointId}`;
export const callbackOwner = (userId: string): string => `callback_secrets:${userId}`;
