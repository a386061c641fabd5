/**
 * Signed download links: GET /api/v1/files/{id}/content?expires=<unix seconds>&signature=<hmac>, which works without
 * an Authorization header (an <img> tag, a browser, a media player) until it expires. The signature is HMAC-SHA256
 * over the file id and the expiry, with a key derived from each JWT signing key (JWT_SIGNING_KEYS): no secret of its
 * own to provision, and rolling the JWT keys rolls these links too (the newest key signs, every key verifies, as for
 * tokens). A link is a bearer capability for its lifetime: whoever holds it can fetch that one file.
 */
import type { AppEnv } from '../../env';
import { signingKeys } from '../tokens';

/** How long a link works: long enough to render a page or play a recording, short enough to be worth little leaked. */
export const DOWNLOAD_LINK_SECONDS = 3600;

/** Separates this key from the JWT key it is derived from: a token signature can never be a link's, nor the reverse. */
const KEY_PURPOSE = 'gohirehumans file download links v1';

const encoder = new TextEncoder();

async function hmac(key: Uint8Array, message: string): Promise<Uint8Array> {
  const imported = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', imported, encoder.encode(message)));
}

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');

async function signatureWith(secret: Uint8Array, fileId: string, expires: number): Promise<string> {
  const linkKey = await hmac(secret, KEY_PURPOSE);
  return base64url(await hmac(linkKey, `${fileId}\n${expires}`));
}

/** Constant time for equal lengths: the comparison leaks nothing about how much of a guess was right. */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export interface DownloadLink {
  url: string;
  expiresAt: Date;
}

export function contentPath(fileId: string): string {
  return `/api/v1/files/${fileId}/content`;
}

export async function signDownloadLink(env: AppEnv, origin: string, fileId: string, now = Date.now()): Promise<DownloadLink> {
  const expires = Math.floor(now / 1000) + DOWNLOAD_LINK_SECONDS;
  const signature = await signatureWith(signingKeys(env)[0]!.secret, fileId, expires);
  return { url: `${origin}${contentPath(fileId)}?expires=${expires}&signature=${signature}`, expiresAt: new Date(expires * 1000) };
}

export type LinkCheck = 'valid' | 'expired' | 'invalid';

/** Whether `signature` signs this file id and expiry with one of the configured keys, and the expiry is ahead. */
export async function checkDownloadLink(env: AppEnv, fileId: string, expires: string, signature: string, now = Date.now()): Promise<LinkCheck> {
  if (!/^[1-9][0-9]{0,11}$/.test(expires) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return 'invalid';
  const at = Number(expires);
  let matched = false;
  for (const key of signingKeys(env)) {
    if (sameText(await signatureWith(key.secret, fileId, at), signature)) matched = true;
  }
  if (!matched) return 'invalid';
  // Checked after the signature, so an expiry cannot be probed without a valid link; a link lives at most its lifetime.
  return at * 1000 > now && at * 1000 <= now + DOWNLOAD_LINK_SECONDS * 1000 + 60_000 ? 'valid' : 'expired';
}
