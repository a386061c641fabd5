/**
 * The double-entry ledger: the only way money moves. Amounts are integer cents (USD), signed: a positive entry
 * credits an account (its balance grows), a negative one debits it. Every transaction's entries sum to zero, so
 * the sum of all balances is always zero; the database enforces that and the rest (drizzle/*_ledger_constraints).
 *
 * Accounts (a positive balance is money the platform holds for that purpose):
 *   external:stripe         the outside world. Money paid in through Stripe debits it, money leaving through a
 *                           refund or a transfer credits it back; its balance is minus what the platform holds.
 *                           The only account allowed below zero. No running balance (see below).
 *   escrow:<task>           a task's funded money, owned by the task's client.
 *   available:<user>        money owed to a user and free to move: a professional's earnings not yet paid out,
 *                           a client's refund that Stripe failed, a balance-funded escrow refunded. A client
 *                           spends it on tasks (balance funding); an operator records its return by other means.
 *   pending_payout:<user>   a professional's earnings on their way to their connected account (transfer in flight).
 *   pending_refund:<task>   a refund in flight back to the task's client.
 *   platform:fees           the platform's fee income; only ever credited (the database refuses a debit).
 *
 * external:stripe and platform:fees are on nearly every posting, so they keep no running balance: a kept balance
 * would row-lock one of the same two rows in every money move platform-wide until COMMIT. Their balance is the sum
 * of their entries (accountBalanceCents computes it); every other account's is kept by the database and locked by
 * each posting that changes it, which is what serializes two spends of the same money.
 *
 * Test money (the sandbox, docs/sandbox.md) lives in accounts of its own: the same kinds, with `test:` before the id
 * (test:external:stripe, test:available:<user>, test:escrow:<task>, ...) and livemode false. A posting is all live or
 * all test, never both, so no amount can cross from one to the other; balances and lines are read per mode.
 *
 * `reference` names what a transaction settles ("fund:cs_...", "release:task_..."); it is unique, so posting the
 * same thing twice (a redelivered webhook, a retried job) records it once.
 */
import type { Tx, Db } from '../db/client';
import {
  ensureAccounts,
  findAccountBalance,
  findAccounts,
  findTransactionByReference,
  insertEntries,
  insertTransaction,
  listUserLines,
  lockAccountBalance,
  SUMMED_KINDS,
  userBalancesByKind,
  type LedgerLineRow,
} from '../db/queries/ledger';
import type { ledgerAccountKind } from '../db/schema';
import { newId } from '../lib/ids';
import { parseSerialId, serialId, unknownCursor } from '../lib/pagination';

export type LedgerAccountKind = (typeof ledgerAccountKind.enumValues)[number];

export interface LedgerAccount {
  id: string;
  kind: LedgerAccountKind;
  userId: string | null;
  taskId: string | null;
  /** False for test money (the sandbox); the id then starts with `test:`. */
  livemode: boolean;
}

/** What a transaction records. Listed here so the transactions listing can explain each line. */
export type LedgerTransactionKind =
  | 'funding' // Stripe -> escrow (a paid checkout)
  | 'release' // escrow -> professional's available + platform fees (approval)
  | 'refund' // escrow -> pending_refund (cancel, expiry, dispute refund)
  | 'transfer' // available -> pending_payout (a transfer to the connected account is on its way)
  | 'settlement' // pending_* -> Stripe (Stripe accepted the refund or transfer)
  | 'reversal' // money back from Stripe: a refused transfer (pending_payout -> available), a failed refund (Stripe -> available)
  | 'balance_funding' // client's available -> escrow (a task funded from the balance; a refund returns it there)
  | 'manual_return'; // available -> Stripe (an operator returned the balance outside the platform, e.g. a bank transfer)

/** The id of an account in the given mode: test accounts are the live ones' ids behind `test:`. */
export const accountId = (id: string, livemode: boolean) => (livemode ? id : `test:${id}`);

const account = (id: string, kind: LedgerAccountKind, userId: string | null, taskId: string | null, livemode: boolean): LedgerAccount => ({
  id: accountId(id, livemode),
  kind,
  userId,
  taskId,
  livemode,
});

export const stripeExternalAccount = (livemode = true) => account('external:stripe', 'external_stripe', null, null, livemode);
export const platformFeesAccount = (livemode = true) => account('platform:fees', 'platform_fees', null, null, livemode);
export const STRIPE_EXTERNAL: LedgerAccount = stripeExternalAccount();
export const PLATFORM_FEES: LedgerAccount = platformFeesAccount();

export const escrowAccount = (taskId: string, clientId: string, livemode = true) => account(`escrow:${taskId}`, 'escrow', clientId, taskId, livemode);
export const availableAccount = (userId: string, livemode = true) => account(`available:${userId}`, 'available', userId, null, livemode);
export const pendingPayoutAccount = (userId: string, livemode = true) =>
  account(`pending_payout:${userId}`, 'pending_payout', userId, null, livemode);
export const pendingRefundAccount = (taskId: string, clientId: string, livemode = true) =>
  account(`pending_refund:${taskId}`, 'pending_refund', clientId, taskId, livemode);

export interface LedgerEntryInput {
  account: LedgerAccount;
  amountCents: number;
}

export interface Posting {
  reference: string;
  kind: LedgerTransactionKind;
  taskId?: string | null;
  userId?: string | null;
  memo?: string | null;
  /** Local payments mode: recorded, but no real money moved. */
  simulated?: boolean;
  entries: LedgerEntryInput[];
}

export interface PostResult {
  /** False when this reference was already posted: nothing was written. */
  posted: boolean;
  transactionId: string;
}

/** The database refuses all of these too; checking first turns a programming error into a clear message. */
function assertWellFormed(posting: Posting): void {
  const { entries, reference } = posting;
  if (!reference) throw new Error('a ledger posting needs a reference');
  if (entries.length < 2) throw new Error(`ledger posting ${reference} needs at least two entries`);
  // Live and test money never meet in one transaction: that is what keeps the sandbox from touching real balances.
  if (new Set(entries.map((e) => e.account.livemode)).size > 1) throw new Error(`ledger posting ${reference} mixes live and test accounts`);
  const seen = new Set<string>();
  let sum = 0;
  for (const { account, amountCents } of entries) {
    if (!Number.isSafeInteger(amountCents) || amountCents === 0) {
      throw new Error(`ledger posting ${reference}: ${amountCents} is not a non-zero whole number of cents`);
    }
    // One entry per account: a transaction that both debits and credits an account means nothing, and it would
    // let the balance dip below zero between its two entries.
    if (seen.has(account.id)) throw new Error(`ledger posting ${reference} names ${account.id} twice`);
    seen.add(account.id);
    sum += amountCents;
  }
  if (sum !== 0) throw new Error(`ledger posting ${reference} does not balance (sums to ${sum} cents)`);
}

/**
 * Posts a balanced transaction inside the caller's database transaction, once per reference. Accounts are
 * created on first use. Entries go in account-id order so concurrent postings lock accounts in the same order
 * (no deadlocks); an entry that would take a non-external account below zero fails the whole transaction.
 */
export async function post(tx: Tx, posting: Posting): Promise<PostResult> {
  assertWellFormed(posting);
  // Sorted, like the entries below: two postings creating the same new accounts wait on each other in one order.
  const accounts = posting.entries.map((e) => e.account).sort((a, b) => (a.id < b.id ? -1 : 1));
  await ensureAccounts(
    tx,
    accounts.map(({ id, kind, userId, taskId, livemode }) => ({ id, kind, userId, taskId, livemode })),
  );
  // An account id names its owner; a mismatch would credit one user's money to another, so refuse it.
  for (const stored of await findAccounts(tx, accounts.map((a) => a.id))) {
    const wanted = accounts.find((a) => a.id === stored.id)!;
    if (stored.kind !== wanted.kind || stored.userId !== wanted.userId || stored.taskId !== wanted.taskId || stored.livemode !== wanted.livemode) {
      throw new Error(`ledger account ${stored.id} belongs to someone else than this posting says`);
    }
  }

  const transactionId = await insertTransaction(tx, {
    id: newId('txn'),
    reference: posting.reference,
    kind: posting.kind,
    taskId: posting.taskId ?? null,
    userId: posting.userId ?? null,
    memo: posting.memo ?? null,
    // Test money never moved either.
    simulated: (posting.simulated ?? false) || !posting.entries[0]!.account.livemode,
  });
  if (!transactionId) {
    const existing = await findTransactionByReference(tx, posting.reference);
    return { posted: false, transactionId: existing!.id };
  }
  const ordered = [...posting.entries].sort((a, b) => (a.account.id < b.account.id ? -1 : 1));
  await insertEntries(
    tx,
    ordered.map((e) => ({ transactionId, accountId: e.account.id, amountCents: e.amountCents })),
  );
  return { posted: true, transactionId };
}

export interface UserBalances {
  /** Free to move: a professional's earnings not paid out, a client's money back from a failed or balance refund. */
  availableCents: number;
  /** In escrow for the user's tasks. */
  escrowCents: number;
  /** On its way out to the user (transfers and refunds in flight). */
  pendingCents: number;
}

/** The user's balances in one mode: live money, or the sandbox's test money. */
export async function userBalances(db: Db | Tx, userId: string, livemode = true): Promise<UserBalances> {
  const byKind = new Map((await userBalancesByKind(db, userId, livemode)).map((r) => [r.kind, r.cents]));
  const of = (kind: LedgerAccountKind) => byKind.get(kind) ?? 0;
  return {
    availableCents: of('available'),
    escrowCents: of('escrow'),
    pendingCents: of('pending_payout') + of('pending_refund'),
  };
}

/** An existing account by id (e.g. the hold account a pending Stripe call names). */
export async function loadAccount(db: Db | Tx, id: string): Promise<LedgerAccount | null> {
  const [row] = await findAccounts(db, [id]);
  return row ? { id: row.id, kind: row.kind, userId: row.userId, taskId: row.taskId, livemode: row.livemode } : null;
}

/** Any account's balance; for external:stripe and platform:fees it is summed from their entries (see SUMMED_KINDS). */
export async function accountBalanceCents(db: Db | Tx, account: LedgerAccount): Promise<number> {
  return (await findAccountBalance(db, account.id)) ?? 0;
}

export type LedgerLine = LedgerLineRow;

/** A line's public id: its ledger entry's, which is unique per line where the transaction id is not. */
export const LINE_ID_PREFIX = 'ln';
export const lineId = (line: LedgerLine) => serialId(LINE_ID_PREFIX, line.entryId);

/**
 * A user's ledger lines, newest first, from `offset` or after the line `startingAfter`. A cursor that is not one of
 * the user's lines is 400, never a silent first page.
 */
export async function listLedgerLines(
  db: Db | Tx,
  userId: string,
  page: { limit: number; offset: number; startingAfter?: string | undefined },
  livemode = true,
) {
  const { startingAfter, ...at } = page;
  const entryId = startingAfter === undefined ? undefined : parseSerialId(LINE_ID_PREFIX, startingAfter);
  if (entryId === null) throw unknownCursor(startingAfter!);
  const listed = await listUserLines(db, userId, livemode, entryId === undefined ? at : { ...at, startingAfter: entryId });
  if (!listed.cursorKnown) throw unknownCursor(startingAfter!);
  return listed;
}

/** The platform's cut of `amountCents` at `bps` basis points, rounded half up; the professional gets the rest. */
export function platformFeeCents(amountCents: number, bps: number): number {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0) throw new Error(`bad amount ${amountCents}`);
  if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new Error(`bad fee ${bps} bps`);
  return Math.floor((amountCents * bps + 5_000) / 10_000);
}

/**
 * An account's balance with its row locked until the transaction ends, so a decision taken on it (pay out all
 * that is available) cannot be taken twice at once. Zero when the account does not exist yet.
 */
export async function lockedBalanceCents(tx: Tx, account: LedgerAccount): Promise<number> {
  if (SUMMED_KINDS.includes(account.kind)) throw new Error(`ledger account ${account.id} keeps no balance row to lock`);
  return (await lockAccountBalance(tx, account.id)) ?? 0;
}
