/**
 * Idempotency-Key semantics (the contract's, modelled on Stripe's): per account and key, the first request acts and
 * its answer is kept for 24 h; a retry with the same parameters gets that answer back and does nothing; the same key
 * with other parameters is 422; a duplicate arriving while the first is still running is 409 and does nothing.
 *
 * Exactly once, whatever fails: the request acts inside one transaction that also stores its answer, so "it acted"
 * and "its answer is stored" commit together or not at all. That transaction holds an advisory lock on the key, which
 * Postgres releases at commit, at rollback and when the connection drops: a request that dies leaves no claim
 * behind, and its retry never waits for a timeout.
 */
import type { Db } from '../db/client';
import { findIdempotencyKey, purgeIdempotencyKeys, saveIdempotencyKey, tryLockIdempotencyKey } from '../db/queries/idempotency';

export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 60 * 60;
export const MAX_KEY_LENGTH = 255;

/**
 * The key as stored: a test key's requests (the sandbox) keep their keys apart from the same account's live ones, as
 * Stripe's modes do, so one key used in both modes acts once in each and never answers one with the other's result.
 */
export const storedKey = (caller: { livemode: boolean }, key: string): string => (caller.livemode ? key : `test:${key}`);

export interface IdempotentRequest {
  userId: string;
  key: string;
  /** What makes two requests "the same" (requestFingerprint). */
  fingerprint: string;
}

export interface StoredAnswer {
  status: number;
  body: string;
  contentType: string;
}

/** What `act` did: its result for this caller, and the answer a retry gets (it may leave out a secret shown once). */
export interface Acted<T> {
  result: T;
  stored: StoredAnswer;
}

export type IdempotentOutcome<T> =
  | { kind: 'acted'; result: T }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

/**
 * Final answers are kept: successes and client errors (a retry would get the same). Server errors and rate
 * limiting are transient: nothing of theirs is kept, so a retry with the same key acts afresh.
 */
export const isStorable = (status: number): boolean => status >= 200 && status < 500 && status !== 429;

/** Thrown to undo an answer that is not kept; carries it out of the transaction. */
class NotKept<T> {
  constructor(readonly result: T) {}
}

/** Thrown to roll back the savepoint of an error answer: whatever the failed action wrote must not stay. */
const UNDO = Symbol('undo');

/** Starts work that outlives the answer (PaymentsContext.defer). */
export type Defer = (work: () => Promise<unknown>) => void;

/**
 * Runs `act` at most once for the request's key. `act` works in the transaction it is given (its own transactions
 * become savepoints of it); an error answer (status >= 400) has its writes undone and is kept as it is. Work `act`
 * defers is held until the transaction has ended, committed or rolled back (what `act` committed is only a savepoint
 * until then, and that work reads it from another connection), then handed to `defer`.
 */
export async function answerOnce<T>(
  db: Db,
  request: IdempotentRequest,
  defer: Defer,
  act: (tx: Db, defer: Defer) => Promise<Acted<T>>,
): Promise<IdempotentOutcome<T>> {
  const held: (() => Promise<unknown>)[] = [];
  try {
    return await runOnce(db, request, (tx) => act(tx, (work) => held.push(work)));
  } finally {
    for (const work of held) defer(work);
  }
}

async function runOnce<T>(db: Db, request: IdempotentRequest, act: (tx: Db) => Promise<Acted<T>>): Promise<IdempotentOutcome<T>> {
  try {
    return await db.transaction(async (tx): Promise<IdempotentOutcome<T>> => {
      if (!(await tryLockIdempotencyKey(tx, request.userId, request.key))) return { kind: 'in_flight' };
      const existing = await findIdempotencyKey(tx, request.userId, request.key, IDEMPOTENCY_WINDOW_SECONDS);
      if (existing) {
        if (existing.fingerprint !== request.fingerprint) return { kind: 'mismatch' };
        return { kind: 'replay', answer: { status: existing.responseStatus, body: existing.responseBody, contentType: existing.responseContentType } };
      }
      let acted: Acted<T> | undefined;
      try {
        await tx.transaction(async (savepoint) => {
          acted = await act(savepoint);
          if (acted.stored.status >= 400) throw UNDO;
        });
      } catch (err) {
        if (err !== UNDO) throw err;
      }
      if (!isStorable(acted!.stored.status)) throw new NotKept(acted!.result);
      await saveIdempotencyKey(tx, {
        userId: request.userId,
        key: request.key,
        fingerprint: request.fingerprint,
        responseStatus: acted!.stored.status,
        responseBody: acted!.stored.body,
        responseContentType: acted!.stored.contentType,
        windowSeconds: IDEMPOTENCY_WINDOW_SECONDS,
      });
      return { kind: 'acted', result: acted!.result };
    });
  } catch (err) {
    if (err instanceof NotKept) return { kind: 'acted', result: err.result as T };
    throw err;
  }
}

/** JSON with object keys sorted at every depth: two bodies that parse to the same parameters print the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What makes two requests "the same": the operation and its parameters as parsed, not their bytes. Key order,
 * whitespace and number spelling (`15.00` for `15`) do not count, nor the order of query parameters; an empty body
 * stands for no parameters, like `{}`. A body that is not JSON counts by its bytes.
 */
export async function requestFingerprint(operation: string, query: string, body: string): Promise<string> {
  let parameters: string;
  try {
    parameters = canonicalJson(body.trim() === '' ? {} : JSON.parse(body));
  } catch {
    parameters = `raw:${body}`;
  }
  const search = new URLSearchParams(query);
  const sortedQuery = [...search.entries()].sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${canonicalJson(sortedQuery)}\n${parameters}`));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${operation} ${hex}`;
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
