/**
 * Local payments keep no state of their own: what a simulated checkout or onboarding is about travels in its
 * URL as a signed token (HMAC-SHA256 under a key derived from the webhook secret), so the page can only pay
 * what the API asked for.
 */
import type { AppEnv } from '../../env';
import { webhookSecret } from './config';

const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

function key(env: AppEnv, purpose: string): Promise<CryptoKey> {
  const material = encoder.encode(`${webhookSecret(env)}:local-${purpose}`);
  return crypto.subtle.importKey('raw', material, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

export async function sealToken(env: AppEnv, purpose: string, data: object): Promise<string> {
  const body = toBase64Url(encoder.encode(JSON.stringify(data)));
  const signature = await crypto.subtle.sign('HMAC', await key(env, purpose), encoder.encode(body));
  return `${body}.${toBase64Url(new Uint8Array(signature))}`;
}

/** The token's data, or null when it was not sealed by this server for this purpose. */
export async function openToken<T>(env: AppEnv, purpose: string, token: string | undefined): Promise<T | null> {
  const [body, signature, extra] = (token ?? '').split('.');
  if (!body || !signature || extra !== undefined) return null;
  try {
    const valid = await crypto.subtle.verify('HMAC', await key(env, purpose), fromBase64Url(signature), encoder.encode(body));
    return valid ? (JSON.parse(new TextDecoder().decode(fromBase64Url(body))) as T) : null;
  } catch {
    return null;
  }
}

/** Hex SHA-256: stable simulated ids derived from what they stand for, so repeating a call repeats its answer. */
export async function digestHex(text: string, length = 24): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
  return [...hash].map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, length);
}
