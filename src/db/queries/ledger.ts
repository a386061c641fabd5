import { and, count, desc, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { ledgerAccounts, ledgerEntries, ledgerTransactions } from '../schema';

export type LedgerAccountRow = typeof ledgerAccounts.$inferSelect;
export type LedgerTransactionRow = typeof ledgerTransactions.$inferSelect;
export type NewLedgerAccount = Pick<typeof ledgerAccounts.$inferInsert, 'id' | 'kind' | 'userId' | 'taskId' | 'livemode'>;
export type NewLedgerTransaction = typeof ledgerTransactions.$inferInsert;
export type NewLedgerEntry = Pick<typeof ledgerEntries.$inferInsert, 'transactionId' | 'accountId' | 'amountCents'>;

/**
 * Kinds whose balance_cents the database does not keep (drizzle/0010_ledger_unlocked_platform_accounts.sql): they are
 * on nearly every posting, and a running balance would row-lock them in each. Their balance is the sum of their
 * entries. The list must match the migration's.
 */
export const SUMMED_KINDS: readonly LedgerAccountRow['kind'][] = ['external_stripe', 'platform_fees'];

/**
 * An account's balance whatever its kind: the kept balance_cents, or the sum of the entries of a summed kind. The
 * sum reads every entry of that account (index-only on ledger_entries_account_idx), so it is for reports and checks,
 * not for request paths.
 */
// Spelled out with the table's name: drizzle leaves columns unqualified in a one-table select, and the subquery's
// own table would then capture them.
const balanceOf = sql<string>`case when ledger_accounts.kind in ${[...SUMMED_KINDS]}
  then (select coalesce(sum(e.amount_cents), 0) from ledger_entries e where e.account_id = ledger_accounts.id)
  else ledger_accounts.balance_cents end`;

/** Creates the accounts that do not exist yet; existing ones are left alone (their balance is never written here). */
export async function ensureAccounts(db: Db | Tx, accounts: NewLedgerAccount[]): Promise<void> {
  await db.insert(ledgerAccounts).values(accounts).onConflictDoNothing({ target: ledgerAccounts.id });
}

/** Inserts unless the reference was already posted; null when it was (the unique index decides, not a prior read). */
export async function insertTransaction(db: Db | Tx, txn: NewLedgerTransaction): Promise<string | null> {
  const [row] = await db
    .insert(ledgerTransactions)
    .values(txn)
    .onConflictDoNothing({ target: ledgerTransactions.reference })
    .returning({ id: ledgerTransactions.id });
  return row?.id ?? null;
}

export async function findTransactionByReference(db: Db | Tx, reference: string): Promise<LedgerTransactionRow | null> {
  const [row] = await db.select().from(ledgerTransactions).where(eq(ledgerTransactions.reference, reference)).limit(1);
  return row ?? null;
}

/** One statement, rows in the given order (the balance trigger applies them in that order). */
export async function insertEntries(db: Db | Tx, entries: NewLedgerEntry[]): Promise<void> {
  await db.insert(ledgerEntries).values(entries);
}

/** An account's balance (see balanceOf); null when the account does not exist. */
export async function findAccountBalance(db: Db | Tx, id: string): Promise<number | null> {
  const [row] = await db.select({ cents: balanceOf }).from(ledgerAccounts).where(eq(ledgerAccounts.id, id));
  return row ? Number(row.cents) : null;
}

/** Only for kinds whose balance is kept: a summed kind's row holds no balance, and locking it would block every posting. */
export async function lockAccountBalance(tx: Tx, id: string): Promise<number | null> {
  const [row] = await tx.select({ cents: ledgerAccounts.balanceCents }).from(ledgerAccounts).where(eq(ledgerAccounts.id, id)).for('update');
  return row?.cents ?? null;
}

/**
 * What a kind of transaction put into an account, one row per transaction, oldest first: e.g. the balance fundings
 * of a task's escrow, each of which a refund returns on its own.
 */
export async function listCreditsOfKind(db: Db | Tx, accountId: string, kind: string): Promise<{ transactionId: string; amountCents: number }[]> {
  return db
    .select({ transactionId: ledgerTransactions.id, amountCents: ledgerEntries.amountCents })
    .from(ledgerEntries)
    .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
    .where(and(eq(ledgerEntries.accountId, accountId), eq(ledgerTransactions.kind, kind), sql`${ledgerEntries.amountCents} > 0`))
    .orderBy(ledgerEntries.id);
}

export async function findAccounts(db: Db | Tx, ids: string[]): Promise<LedgerAccountRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(ledgerAccounts).where(inArray(ledgerAccounts.id, ids));
}

/** A user's balance per account kind, in cents. Kinds without an account are absent. */
export async function userBalancesByKind(db: Db | Tx, userId: string, livemode: boolean): Promise<{ kind: LedgerAccountRow['kind']; cents: number }[]> {
  const rows = await db
    .select({ kind: ledgerAccounts.kind, cents: sql<string>`sum(${ledgerAccounts.balanceCents})` })
    .from(ledgerAccounts)
    .where(and(eq(ledgerAccounts.userId, userId), eq(ledgerAccounts.livemode, livemode)))
    .groupBy(ledgerAccounts.kind);
  return rows.map((r) => ({ kind: r.kind, cents: Number(r.cents) }));
}

export interface LedgerLineRow {
  entryId: number;
  transactionId: string;
  kind: string;
  memo: string | null;
  simulated: boolean;
  taskId: string | null;
  accountKind: LedgerAccountRow['kind'];
  amountCents: number;
  createdAt: Date;
}

/**
 * Where a page of lines starts: `offset` rows in, or just after the entry `startingAfter` (then offset is 0). An entry
 * rather than a transaction is the position, because one transaction may touch two of the user's balances.
 */
export interface LinePageArgs {
  limit: number;
  offset: number;
  startingAfter?: number;
}

/**
 * Rows after the cursor entry in (created_at desc, id desc) order. Its position is read by a subquery: created_at has
 * microseconds that a JS Date would round away.
 */
function afterEntry(id: number | undefined): SQL | undefined {
  if (id === undefined) return undefined;
  return sql`(${ledgerEntries.createdAt}, ${ledgerEntries.id}) < (select c.created_at, c.id from ${ledgerEntries} c where c.id = ${id})`;
}

/** Whether the entry is on one of the user's accounts of this mode: any other is not a position in their list. */
async function isEntryOf(db: Db | Tx, owned: SQL | undefined, id: number | undefined): Promise<boolean> {
  if (id === undefined) return true;
  const [row] = await db
    .select({ id: ledgerEntries.id })
    .from(ledgerEntries)
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
    .where(and(eq(ledgerEntries.id, id), owned))
    .limit(1);
  return row !== undefined;
}

/**
 * The entries on a user's accounts, newest first, with the transaction each belongs to; the total; whether more
 * follows (after a cursor one extra row is read to know it); and whether the cursor is one of the user's entries.
 */
export async function listUserLines(
  db: Db | Tx,
  userId: string,
  livemode: boolean,
  args: LinePageArgs,
): Promise<{ rows: LedgerLineRow[]; total: number; hasMore: boolean; cursorKnown: boolean }> {
  const ownedBy = and(eq(ledgerAccounts.userId, userId), eq(ledgerAccounts.livemode, livemode));
  const cursor = args.startingAfter !== undefined;
  const [rows, [totals], cursorKnown] = await Promise.all([
    db
      .select({
        entryId: ledgerEntries.id,
        transactionId: ledgerTransactions.id,
        kind: ledgerTransactions.kind,
        memo: ledgerTransactions.memo,
        simulated: ledgerTransactions.simulated,
        taskId: sql<string | null>`coalesce(${ledgerTransactions.taskId}, ${ledgerAccounts.taskId})`,
        accountKind: ledgerAccounts.kind,
        amountCents: ledgerEntries.amountCents,
        createdAt: ledgerEntries.createdAt,
      })
      .from(ledgerEntries)
      .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
      .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
      .where(and(ownedBy, afterEntry(args.startingAfter)))
      .orderBy(desc(ledgerEntries.createdAt), desc(ledgerEntries.id))
      .limit(cursor ? args.limit + 1 : args.limit)
      .offset(args.offset),
    db
      .select({ total: count() })
      .from(ledgerEntries)
      .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
      .where(ownedBy),
    isEntryOf(db, ownedBy, args.startingAfter),
  ]);
  const total = totals?.total ?? 0;
  const page = rows.slice(0, args.limit);
  const hasMore = cursor ? rows.length > args.limit : args.offset + page.length < total;
  return { rows: page, total, hasMore, cursorKnown };
}

export interface LedgerIntegrity {
  /** Sum of every account's balance (kept or summed): zero when money is neither created nor destroyed. */
  totalCents: number;
  /** Accounts whose kept balance differs from the sum of their entries (summed kinds are that sum by definition). */
  driftedAccounts: { id: string; balanceCents: number; entriesCents: number }[];
  /** Transactions whose entries do not sum to zero. */
  unbalancedTransactions: string[];
}

/** The whole ledger checked against its own rules; for tests and operators, not for request paths. */
export async function checkLedgerIntegrity(db: Db | Tx, scope?: { accountIds?: string[] }): Promise<LedgerIntegrity> {
  const accountFilter = scope?.accountIds ? inArray(ledgerAccounts.id, scope.accountIds) : undefined;
  const drifted = await db
    .select({
      id: ledgerAccounts.id,
      balanceCents: ledgerAccounts.balanceCents,
      entriesCents: sql<string>`coalesce(sum(${ledgerEntries.amountCents}), 0)`,
    })
    .from(ledgerAccounts)
    .leftJoin(ledgerEntries, eq(ledgerEntries.accountId, ledgerAccounts.id))
    .where(and(accountFilter, notInArray(ledgerAccounts.kind, [...SUMMED_KINDS])))
    .groupBy(ledgerAccounts.id)
    .having(sql`${ledgerAccounts.balanceCents} <> coalesce(sum(${ledgerEntries.amountCents}), 0)`);
  const unbalanced = await db
    .select({ id: ledgerEntries.transactionId })
    .from(ledgerEntries)
    .groupBy(ledgerEntries.transactionId)
    .having(sql`sum(${ledgerEntries.amountCents}) <> 0`);
  const [total] = await db
    .select({ cents: sql<string>`coalesce(sum(${balanceOf}), 0)` })
    .from(ledgerAccounts)
    .where(accountFilter);
  return {
    totalCents: Number(total?.cents ?? 0),
    driftedAccounts: drifted.map((d) => ({ id: d.id, balanceCents: d.balanceCents, entriesCents: Number(d.entriesCents) })),
    unbalancedTransactions: unbalanced.map((u) => u.id),
  };
}
