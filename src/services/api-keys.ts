/**
 * API keys: `ghh_` + 40 random base62 characters (~238 bits); a test key (the sandbox, docs/sandbox.md) is
 * `ghh_test_` + 40, which no live key can look like (base62 has no `_`). Only a SHA-256 of the key is stored: the key
 * has far too much entropy to guess, so a slow KDF would add cost per request and no protection. The plain key
 * is returned once, at creation. Revocation is a timestamp, checked on every lookup, so it holds from the next
 * request on.
 */
import type { Db } from '../db/client';
import {
  countLiveApiKeys,
  findLiveApiKeyByHash,
  insertApiKey,
  listLiveApiKeys,
  revokeApiKey as revokeApiKeyRow,
  type ApiKeyOwner,
  type ApiKeyRow,
} from '../db/queries/api-keys';
import { lockUser } from '../db/queries/users';
import { ApiError, notFound } from '../lib/errors';
import { newId, randomString } from '../lib/ids';

export const API_KEY_PREFIX = 'ghh_';
export const TEST_KEY_PREFIX = 'ghh_test_';
const SECRET_LENGTH = 40;
/** How much of the key listings show: the "ghh_" (or "ghh_test_") marker and 8 characters, enough to tell keys apart. */
const SHOWN_SECRET_LENGTH = 8;
export const MAX_LIVE_KEYS = 10;

const KEY_SHAPE = new RegExp(`^${API_KEY_PREFIX}(test_)?[0-9A-Za-z]{${SECRET_LENGTH}}$`);

/** Live and test keys alike: both start with `ghh_`. */
export const looksLikeApiKey = (credential: string) => credential.startsWith(API_KEY_PREFIX);

async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface NewApiKeyInput {
  name: string;
  /** Spending limits of calls made with the key (services/spending-limits.ts); null: none. Fixed for the key's life. */
  maxTaskCents: number | null;
  dailyLimitCents: number | null;
  /** 'test' makes a sandbox key (`ghh_test_...`). */
  mode: 'live' | 'test';
}

/** Creates a key for the account. The per-account limit is checked under a lock on the account's row. */
export async function createApiKey(db: Db, userId: string, input: NewApiKeyInput): Promise<{ row: ApiKeyRow; key: string }> {
  const marker = input.mode === 'test' ? TEST_KEY_PREFIX : API_KEY_PREFIX;
  const key = `${marker}${randomString(SECRET_LENGTH)}`;
  const keyHash = await sha256Hex(key);
  const row = await db.transaction(async (tx) => {
    // Without the lock, concurrent requests would each count 9 live keys and each insert a 10th.
    if (!(await lockUser(tx, userId))) throw new ApiError('UNAUTHORIZED', 'This account no longer exists.');
    if ((await countLiveApiKeys(tx, userId)) >= MAX_LIVE_KEYS) {
      throw new ApiError('CONFLICT', `An account can hold at most ${MAX_LIVE_KEYS} live API keys. Revoke one first.`);
    }
    return insertApiKey(tx, {
      id: newId('key'),
      userId,
      name: input.name.trim(),
      prefix: key.slice(0, marker.length + SHOWN_SECRET_LENGTH),
      keyHash,
      maxTaskCents: input.maxTaskCents,
      dailyLimitCents: input.dailyLimitCents,
      livemode: input.mode === 'live',
    });
  });
  return { row, key };
}

export function listApiKeys(db: Db, userId: string, page: { limit: number; offset: number }) {
  return listLiveApiKeys(db, userId, page);
}

/** Revokes one of the account's live keys; anything else (unknown, already revoked, another account's) is 404. */
export async function revokeApiKey(db: Db, userId: string, keyId: string): Promise<ApiKeyRow> {
  const row = await revokeApiKeyRow(db, userId, keyId);
  if (!row) throw notFound('API key');
  return row;
}

export const invalidApiKey = () => new ApiError('UNAUTHORIZED', 'The API key is invalid or has been revoked.');

/** What a presented key is stored and looked up as; a malformed key is 401 without reaching the database. */
export async function apiKeyHash(key: string): Promise<string> {
  if (!KEY_SHAPE.test(key)) throw invalidApiKey();
  return sha256Hex(key);
}

/** The owner of the live key with this hash; an unknown or revoked key is 401. */
export async function findApiKeyOwner(db: Db, keyHash: string): Promise<ApiKeyOwner> {
  const owner = await findLiveApiKeyByHash(db, keyHash);
  if (!owner) throw invalidApiKey();
  return owner;
}
