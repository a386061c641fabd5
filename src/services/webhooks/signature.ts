/**
 * Signing deliveries the way Stripe signs its webhooks, so receivers can reuse what they know:
 * `GoHireHumans-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The key is the whole
 * secret string, `whsec_` included. Every attempt is signed with a fresh timestamp, so a receiver can refuse
 * stale ones and still accept a retry.
 */
import { randomString } from '../../lib/ids';

export const SIGNATURE_HEADER = 'GoHireHumans-Signature';
export const SECRET_PREFIX = 'whsec_';

/** `whsec_` + 32 base62 characters (~190 bits). */
export const newSigningSecret = (): string => `${SECRET_PREFIX}${randomString(32)}`;

async function hmacSha256Hex(secret: string, message: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(message));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One v1 per secret, newest first. While a rolled secret has not expired both sign, so a receiver that still holds
 * the old one and a receiver already on the new one both find a match (receivers accept any v1, as with Stripe).
 */
export async function signatureHeader(secrets: readonly string[], body: string, at: Date): Promise<string> {
  const t = Math.floor(at.getTime() / 1000);
  const signatures = await Promise.all(secrets.map((secret) => hmacSha256Hex(secret, `${t}.${body}`)));
  return [`t=${t}`, ...signatures.map((v1) => `v1=${v1}`)].join(',');
}
