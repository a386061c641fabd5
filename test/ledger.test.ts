/**
 * The ledger's invariants, checked against the real database: what the service refuses, and, more importantly,
 * what the database itself refuses when code (or a person with psql) goes around the service.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../src/db/client';
import { checkLedgerIntegrity, findTransactionByReference } from '../src/db/queries/ledger';
import { ledgerAccounts, ledgerEntries, ledgerTransactions } from '../src/db/schema';
import { newId, randomString } from '../src/lib/ids';
import * as ledger from '../src/services/ledger';
import { newTaskRecord, newUserRecord } from './support/accounts';
import { withDb } from './support/db';

/** The message of an error and of every error that caused it (drizzle wraps the driver's). */
function errorChain(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(' <- ');
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return errorChain(err);
  }
  throw new Error('expected the database to refuse this');
}


function postIn(db: Db, posting: ledger.Posting) {
  return db.transaction((tx) => ledger.post(tx, posting));
}

/** A client's task with `cents` paid into escrow from Stripe. */
async function fundedTask(cents = 5000) {
  const client = await newUserRecord('client');
  const taskId = await newTaskRecord(client.id);
  const escrow = ledger.escrowAccount(taskId, client.id);
  await withDb((db) =>
    postIn(db, {
      reference: `fund:test_${taskId}`,
      kind: 'funding',
      taskId,
      userId: client.id,
      entries: [
        { account: ledger.STRIPE_EXTERNAL, amountCents: -cents },
        { account: escrow, amountCents: cents },
      ],
    }),
  );
  return { client, taskId, escrow };
}

/** Escrow -> professional's available balance and the platform fee, as approval will post it. */
function release(taskId: string, escrow: ledger.LedgerAccount, proId: string, cents: number, reference = `release:${taskId}`): ledger.Posting {
  const fee = ledger.platformFeeCents(cents, 100);
  return {
    reference,
    kind: 'release',
    taskId,
    entries: [
      { account: escrow, amountCents: -cents },
      { account: ledger.availableAccount(proId), amountCents: cents - fee },
      { account: ledger.PLATFORM_FEES, amountCents: fee },
    ],
  };
}

describe('ledger: posting', () => {
  it('credits escrow from Stripe and releases it to the professional minus the fee; balances follow the entries', async () => {
    const { client, taskId, escrow } = await fundedTask(5000);
    const pro = await newUserRecord('professional');
    expect(await withDb((db) => ledger.userBalances(db, client.id))).toEqual({ availableCents: 0, escrowCents: 5000, pendingCents: 0 });

    const result = await withDb((db) => postIn(db, release(taskId, escrow, pro.id, 5000)));
    expect(result).toEqual({ posted: true, transactionId: expect.stringMatching(/^txn_[0-9A-Za-z]{16}$/) });
    expect(await withDb((db) => ledger.userBalances(db, client.id))).toEqual({ availableCents: 0, escrowCents: 0, pendingCents: 0 });
    expect(await withDb((db) => ledger.userBalances(db, pro.id))).toEqual({ availableCents: 4950, escrowCents: 0, pendingCents: 0 });
    const integrity = await withDb((db) => checkLedgerIntegrity(db, { accountIds: [escrow.id, ledger.availableAccount(pro.id).id] }));
    expect(integrity.driftedAccounts).toEqual([]);
  });

  it('posts a reference once: the second posting returns the first transaction and moves nothing', async () => {
    const { taskId, escrow } = await fundedTask(3000);
    const pro = await newUserRecord('professional');
    const first = await withDb((db) => postIn(db, release(taskId, escrow, pro.id, 1000)));
    const second = await withDb((db) => postIn(db, release(taskId, escrow, pro.id, 1000)));
    expect(second).toEqual({ posted: false, transactionId: first.transactionId });
    expect(await withDb((db) => ledger.accountBalanceCents(db, escrow))).toBe(2000);
  });

  it('posts a reference once even when two transactions race for it', async () => {
    const { taskId, escrow } = await fundedTask(3000);
    const pro = await newUserRecord('professional');
    const racer = () =>
      withDb((db) =>
        db.transaction(async (tx) => {
          const result = await ledger.post(tx, release(taskId, escrow, pro.id, 1000));
          await tx.execute(sql`select pg_sleep(0.2)`); // hold the reference while the other one arrives
          return result;
        }),
      );
    const results = await Promise.all([racer(), racer()]);
    expect(results.map((r) => r.posted).sort()).toEqual([false, true]);
    expect(await withDb((db) => ledger.accountBalanceCents(db, escrow))).toBe(2000);
  });

  it('refuses malformed postings before touching the database', async () => {
    const { taskId, escrow } = await fundedTask(1000);
    const pro = ledger.availableAccount((await newUserRecord('professional')).id);
    const attempt = (entries: ledger.LedgerEntryInput[]) =>
      withDb((db) => postIn(db, { reference: `bad:${randomString(8)}`, kind: 'release', taskId, entries }));
    await expect(attempt([{ account: escrow, amountCents: -100 }, { account: pro, amountCents: 90 }])).rejects.toThrow(/does not balance/);
    await expect(attempt([{ account: escrow, amountCents: -100 }])).rejects.toThrow(/at least two/);
    await expect(attempt([{ account: escrow, amountCents: -0.5 }, { account: pro, amountCents: 0.5 }])).rejects.toThrow(/whole number of cents/);
    await expect(attempt([{ account: escrow, amountCents: 0 }, { account: pro, amountCents: 0 }])).rejects.toThrow(/non-zero/);
    await expect(attempt([{ account: escrow, amountCents: -100 }, { account: escrow, amountCents: 100 }])).rejects.toThrow(/twice/);
  });

  it('refuses to post to an account id under another owner', async () => {
    const { taskId, escrow } = await fundedTask(1000);
    const intruder = await newUserRecord('client');
    const hijack = ledger.escrowAccount(taskId, intruder.id);
    const attempt = withDb((db) =>
      postIn(db, {
        reference: `hijack:${taskId}`,
        kind: 'funding',
        entries: [
          { account: ledger.STRIPE_EXTERNAL, amountCents: -100 },
          { account: hijack, amountCents: 100 },
        ],
      }),
    );
    await expect(attempt).rejects.toThrow(/belongs to someone else/);
    expect(await withDb((db) => ledger.accountBalanceCents(db, escrow))).toBe(1000);
  });

  it('computes the platform fee in whole cents, rounding half up', () => {
    expect(ledger.platformFeeCents(5000, 100)).toBe(50);
    expect(ledger.platformFeeCents(50, 100)).toBe(1); // 0.5 cent rounds up
    expect(ledger.platformFeeCents(49, 100)).toBe(0);
    expect(ledger.platformFeeCents(10_000_000, 250)).toBe(250_000);
    expect(() => ledger.platformFeeCents(100, 10_001)).toThrow();
  });
});

describe('ledger: what the database refuses', () => {
  it('refuses, at commit, a transaction whose entries do not sum to zero; entries may balance across statements', async () => {
    const { escrow } = await fundedTask(1000);
    const reference = `raw:${randomString(10)}`;
    const unbalanced = withDb((db) =>
      db.transaction(async (tx) => {
        const id = newId('txn');
        await tx.insert(ledgerTransactions).values({ id, reference, kind: 'funding' });
        await tx.insert(ledgerEntries).values({ transactionId: id, accountId: escrow.id, amountCents: 100 });
        await tx.insert(ledgerEntries).values({ transactionId: id, accountId: ledger.STRIPE_EXTERNAL.id, amountCents: -90 });
      }),
    );
    expect(await rejection(unbalanced)).toMatch(/does not balance: its entries sum to 10 cents/);
    expect(await withDb((db) => findTransactionByReference(db, reference))).toBeNull();
    expect(await withDb((db) => ledger.accountBalanceCents(db, escrow))).toBe(1000);

    // The same two-statement shape that does balance commits: the check waits for COMMIT.
    await withDb((db) =>
      db.transaction(async (tx) => {
        const id = newId('txn');
        await tx.insert(ledgerTransactions).values({ id, reference, kind: 'funding' });
        await tx.insert(ledgerEntries).values({ transactionId: id, accountId: escrow.id, amountCents: 100 });
        await tx.insert(ledgerEntries).values({ transactionId: id, accountId: ledger.STRIPE_EXTERNAL.id, amountCents: -100 });
      }),
    );
    expect(await withDb((db) => ledger.accountBalanceCents(db, escrow))).toBe(1100);
  });

  it('refuses a transaction with fewer than two entries', async () => {
    const reference = `raw:${randomString(10)}`;
    const lonely = withDb((db) => db.insert(ledgerTransactions).values({ id: newId('txn'), reference, kind: 'funding' }));
    expect(await rejection(lonely)).toMatch(/has 0 entries; it needs at least two/);
  });

  it('makes a negative escrow impossible: overdrawing fails the whole transaction', async () => {
    const { taskId, escrow } = await fundedTask(5000);
    const pro = await newUserRecord('professional');
    const overdraw = withDb((db) => postIn(db, release(taskId, escrow, pro.id, 6000)));
    expect(await rejection(overdraw)).toMatch(/ledger_accounts_non_negative/);
    expect(await withDb((db) => ledger.accountBalanceCents(db, escrow))).toBe(5000);
    expect(await withDb((db) => ledger.userBalances(db, pro.id))).toEqual({ availableCents: 0, escrowCents: 0, pendingCents: 0 });
    expect(await withDb((db) => findTransactionByReference(db, `release:${taskId}`))).toBeNull();
  });

  it('lets only one of two concurrent releases drain the same escrow', async () => {
    const { taskId, escrow } = await fundedTask(5000);
    const pro = await newUserRecord('professional');
    const drain = (reference: string) =>
      withDb((db) =>
        db.transaction(async (tx) => {
          await ledger.post(tx, release(taskId, escrow, pro.id, 4000, reference));
          await tx.execute(sql`select pg_sleep(0.2)`);
        }),
      );
    const results = await Promise.allSettled([drain(`a:${taskId}`), drain(`b:${taskId}`)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(errorChain(refused.reason)).toMatch(/ledger_accounts_non_negative/);
    expect(await withDb((db) => ledger.accountBalanceCents(db, escrow))).toBe(1000);
  });

  it('keeps entries and transactions append-only', async () => {
    const { escrow } = await fundedTask(1000);
    const [entry] = await withDb((db) => db.select().from(ledgerEntries).where(eq(ledgerEntries.accountId, escrow.id)));
    expect(await rejection(withDb((db) => db.update(ledgerEntries).set({ amountCents: 1 }).where(eq(ledgerEntries.id, entry!.id))))).toMatch(
      /ledger_entries is append-only: UPDATE/,
    );
    expect(await rejection(withDb((db) => db.delete(ledgerEntries).where(eq(ledgerEntries.id, entry!.id))))).toMatch(
      /ledger_entries is append-only: DELETE/,
    );
    expect(
      await rejection(withDb((db) => db.update(ledgerTransactions).set({ memo: 'edited' }).where(eq(ledgerTransactions.id, entry!.transactionId)))),
    ).toMatch(/ledger_transactions is append-only: UPDATE/);
    // TRUNCATE too; inside a transaction that is rolled back whatever happens, so a regression cannot wipe other tests' rows.
    const truncate = withDb((db) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`truncate ledger_entries, ledger_transactions cascade`);
        tx.rollback();
      }),
    );
    expect(await rejection(truncate)).toMatch(/append-only: TRUNCATE/);
  });

  it('lets no one write a balance: accounts start at zero and change only through entries', async () => {
    const { escrow } = await fundedTask(1000);
    expect(await rejection(withDb((db) => db.update(ledgerAccounts).set({ balanceCents: 999_999 }).where(eq(ledgerAccounts.id, escrow.id))))).toMatch(
      /balances change only through entries/,
    );
    const owner = await newUserRecord('professional');
    const rich = withDb((db) => db.insert(ledgerAccounts).values({ id: `available:${owner.id}`, kind: 'available', userId: owner.id, balanceCents: 500 }));
    expect(await rejection(rich)).toMatch(/must start at zero/);
    expect(await rejection(withDb((db) => db.update(ledgerAccounts).set({ userId: owner.id }).where(eq(ledgerAccounts.id, escrow.id))))).toMatch(
      /cannot change what it is/,
    );
    expect(await withDb((db) => ledger.accountBalanceCents(db, escrow))).toBe(1000);
  });
});

describe('ledger: balances are sums', () => {
  it('keeps every balance equal to the sum of its entries through a mix of postings, and the whole ledger at zero', async () => {
    const pros = [await newUserRecord('professional'), await newUserRecord('professional')];
    const touched = new Set<string>([ledger.PLATFORM_FEES.id]);
    for (let i = 0; i < 6; i++) {
      const amount = 1000 + i * 733;
      const { taskId, escrow, client } = await fundedTask(amount);
      const pro = pros[i % 2]!;
      touched.add(escrow.id).add(ledger.availableAccount(pro.id).id);
      if (i % 3 === 2) {
        // Canceled: escrow to a refund in flight, then settled to Stripe.
        const hold = ledger.pendingRefundAccount(taskId, client.id);
        touched.add(hold.id);
        await withDb((db) =>
          postIn(db, { reference: `refund:${taskId}`, kind: 'refund', taskId, entries: [{ account: escrow, amountCents: -amount }, { account: hold, amountCents: amount }] }),
        );
        await withDb((db) =>
          postIn(db, { reference: `settled:refund:${taskId}`, kind: 'settlement', taskId, entries: [{ account: hold, amountCents: -amount }, { account: ledger.STRIPE_EXTERNAL, amountCents: amount }] }),
        );
      } else {
        await withDb((db) => postIn(db, release(taskId, escrow, pro.id, amount)));
      }
    }
    const integrity = await withDb((db) => checkLedgerIntegrity(db, { accountIds: [...touched] }));
    expect(integrity.driftedAccounts).toEqual([]);
    const whole = await withDb((db) => checkLedgerIntegrity(db));
    expect(whole.totalCents).toBe(0);
    expect(whole.unbalancedTransactions).toEqual([]);
    expect(whole.driftedAccounts).toEqual([]);

    const [sums] = await withDb((db) =>
      db.execute<{ balances: string; entries: string }>(sql`
        select (select coalesce(sum(balance_cents), 0) from ledger_accounts where kind = 'available' and user_id = ${pros[0]!.id}) as balances,
               (select coalesce(sum(e.amount_cents), 0) from ledger_entries e join ledger_accounts a on a.id = e.account_id
                 where a.kind = 'available' and a.user_id = ${pros[0]!.id}) as entries`).then((r) => r.rows),
    );
    expect(Number(sums!.balances)).toBe(Number(sums!.entries));
    expect((await withDb((db) => ledger.userBalances(db, pros[0]!.id))).availableCents).toBe(Number(sums!.entries));
  });

  it('lists a user\'s ledger lines newest first, paginated', async () => {
    const { client, taskId, escrow } = await fundedTask(2000);
    const hold = ledger.pendingRefundAccount(taskId, client.id);
    await withDb((db) =>
      postIn(db, { reference: `refund:${taskId}`, kind: 'refund', taskId, entries: [{ account: escrow, amountCents: -2000 }, { account: hold, amountCents: 2000 }] }),
    );
    const page = await withDb((db) => ledger.listLedgerLines(db, client.id, { limit: 2, offset: 0 }));
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => [r.kind, r.accountKind, r.amountCents])).toEqual([
      ['refund', 'pending_refund', 2000],
      ['refund', 'escrow', -2000],
    ]);
    const rest = await withDb((db) => ledger.listLedgerLines(db, client.id, { limit: 2, offset: 2 }));
    expect(rest.rows.map((r) => [r.kind, r.accountKind, r.amountCents, r.taskId])).toEqual([['funding', 'escrow', 2000, taskId]]);
  });
});
