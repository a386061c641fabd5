/**
 * Idempotency-Key semantics (the contract's, modelled on Stripe's): per account and key, the first request
 * claims the key; a completed claim replays its stored response for 24 h; the same key with another request
 * is 422; a duplicate arriving while the first is still running is 409 and does nothing.
 */
import type { Db } from '../db/client';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  findIdempotencyKey,
  purgeIdempotencyKeys,
  releaseIdempotencyKey,
} from '../db/queries/idempotency';
import { randomString } from '../lib/ids';

export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
/**
 * A claim still in flight after this long belongs to a request that died between acting and storing its answer
 * (an isolate evicted mid-request). A retry of the identical request may then take it over. Every route here
 * answers in well under a second, so a minute leaves a wide margin against taking over a live request.
 */
export const LOCK_TIMEOUT_SECONDS = 60;
export const MAX_KEY_LENGTH = 255;

export interface ClaimRef {
  userId: string;
  key: string;
  claimToken: string;
}

export type ClaimOutcome =
  | { kind: 'claimed'; claim: ClaimRef }
  | { kind: 'replay'; status: number; body: string; contentType: string }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/** What makes two requests "the same": method, path and query, and the exact body bytes. */
export async function requestFingerprint(method: string, pathAndQuery: string, body: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${method.toUpperCase()} ${pathAndQuery} ${hex}`;
}

export async function claimKey(db: Db, userId: string, key: string, fingerprint: string): Promise<ClaimOutcome> {
  // Two tries: the row we conflicted with can vanish in between (expired and purged), then the key is free again.
  for (let attempt = 0; attempt < 2; attempt++) {
    const claimToken = randomString(24);
    const args = { userId, key, fingerprint, claimToken };
    if (await claimIdempotencyKey(db, { ...args, windowSeconds: IDEMPOTENCY_WINDOW_SECONDS, lockTimeoutSeconds: LOCK_TIMEOUT_SECONDS })) {
      return { kind: 'claimed', claim: { userId, key, claimToken } };
    }
    const existing = await findIdempotencyKey(db, userId, key);
    if (!existing) continue;
    if (existing.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (existing.state === 'in_flight' || existing.responseStatus === null || existing.responseBody === null) return { kind: 'in_flight' };
    return {
      kind: 'replay',
      status: existing.responseStatus,
      body: existing.responseBody,
      contentType: existing.responseContentType ?? 'application/json',
    };
  }
  return { kind: 'in_flight' };
}

/**
 * Final answers are kept: successes and client errors (a retry would get the same). Server errors and rate
 * limiting are transient, so their claim is released and a retry with the same key acts afresh.
 */
export const isStorable = (status: number): boolean => status >= 200 && status < 500 && status !== 429;

export function storeResponse(db: Db, claim: ClaimRef, response: { status: number; body: string; contentType: string }) {
  return completeIdempotencyKey(db, claim, response);
}

export function releaseClaim(db: Db, claim: ClaimRef) {
  return releaseIdempotencyKey(db, claim);
}

const PURGE_BATCH = 1000;
const PURGE_MAX_BATCHES = 10;

/** Scheduled: removes keys past the 24 h window (they are already ignored; this keeps the table small). */
export async function purgeExpiredKeys(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - IDEMPOTENCY_WINDOW_SECONDS * 1000);
  let purged = 0;
  for (let batch = 0; batch < PURGE_MAX_BATCHES; batch++) {
    const n = await purgeIdempotencyKeys(db, before, PURGE_BATCH);
    purged += n;
    if (n < PURGE_BATCH) break;
  }
  return purged;
}
