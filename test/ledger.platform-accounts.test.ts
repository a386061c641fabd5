/**
 * external:stripe and platform:fees keep no running balance (drizzle/0010_ledger_unlocked_platform_accounts.sql):
 * their balance is the sum of their entries, and postings to them take no row lock on them. These tests check that
 * what is read as their balance is that sum, that the database still refuses what it must, and that two money moves
 * touching them no longer wait for each other.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Tx } from '../src/db/client';
import { checkLedgerIntegrity } from '../src/db/queries/ledger';
import { ledgerAccounts } from '../src/db/schema';
import { randomString } from '../src/lib/ids';
import * as ledger from '../src/services/ledger';
import { newTaskRecord, newUserRecord } from './support/accounts';
import { withDb } from './support/db';
import { taskAt } from './support/tasks';

const PLATFORM = [ledger.STRIPE_EXTERNAL.id, ledger.PLATFORM_FEES.id];

/** A task of its own, with its client and the professional its release pays. */
async function freshTask() {
  const client = await newUserRecord('client');
  const pro = await newUserRecord('professional');
  const taskId = await newTaskRecord(client.id);
  return { taskId, pro: pro.id, escrow: ledger.escrowAccount(taskId, client.id) };
}

/** Funding from Stripe and release with the 1% fee, as checkout and approval post them. */
async function fundAndRelease(tx: Tx, task: Awaited<ReturnType<typeof freshTask>>, cents = 2000) {
  const fee = ledger.platformFeeCents(cents, 100);
  await ledger.post(tx, { reference: `fund:test_${task.taskId}`, kind: 'funding', taskId: task.taskId, entries: [
    { account: ledger.STRIPE_EXTERNAL, amountCents: -cents },
    { account: task.escrow, amountCents: cents },
  ] });
  await ledger.post(tx, { reference: `release:${task.taskId}`, kind: 'release', taskId: task.taskId, entries: [
    { account: task.escrow, amountCents: -cents },
    { account: ledger.availableAccount(task.pro), amountCents: cents - fee },
    { account: ledger.PLATFORM_FEES, amountCents: fee },
  ] });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('ledger: the platform-wide accounts', () => {
  it('reads external:stripe and platform:fees as the sum of their entries after a paid, approved task', async () => {
    const { taskId } = await taskAt('completed');
    // One snapshot: other test files post to the same two accounts meanwhile.
    const seen = await withDb((db) =>
      db.transaction(
        async (tx) => {
          const sums = await tx.execute<{ account_id: string; cents: string; mine: string }>(sql`
            select e.account_id, sum(e.amount_cents) as cents, coalesce(sum(e.amount_cents) filter (where t.task_id = ${taskId}), 0) as mine
            from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
            where e.account_id in ${PLATFORM} group by e.account_id`);
          const stored = await tx.select({ id: ledgerAccounts.id, cents: ledgerAccounts.balanceCents }).from(ledgerAccounts).where(inArray(ledgerAccounts.id, PLATFORM));
          return {
            external: await ledger.accountBalanceCents(tx, ledger.STRIPE_EXTERNAL),
            fees: await ledger.accountBalanceCents(tx, ledger.PLATFORM_FEES),
            sums: Object.fromEntries(sums.rows.map((r) => [r.account_id, { all: Number(r.cents), mine: Number(r.mine) }])),
            stored,
            integrity: await checkLedgerIntegrity(tx),
          };
        },
        { isolationLevel: 'repeatable read' },
      ),
    );
    expect(seen.external).toBe(seen.sums['external:stripe']!.all);
    expect(seen.fees).toBe(seen.sums['platform:fees']!.all);
    // This task: 15.00 USD came in from Stripe, 0.15 of it is the platform's fee.
    expect(seen.sums['external:stripe']!.mine).toBe(-1500);
    expect(seen.sums['platform:fees']!.mine).toBe(15);
    expect(seen.external).toBeLessThanOrEqual(-1500);
    expect(seen.fees).toBeGreaterThanOrEqual(15);
    // Their rows hold no balance, so nothing can read a stale one; the whole ledger still sums to zero.
    expect(seen.stored.map((r) => r.cents)).toEqual([0, 0]);
    expect(seen.integrity).toEqual({ totalCents: 0, driftedAccounts: [], unbalancedTransactions: [] });
  });

  it('refuses a debit of platform:fees, so fees never go below zero without a kept balance', async () => {
    const task = await freshTask();
    await withDb((db) => db.transaction((tx) => fundAndRelease(tx, task)));
    const debit = withDb((db) =>
      db.transaction((tx) =>
        ledger.post(tx, { reference: `bad:${randomString(10)}`, kind: 'manual_return', entries: [
          { account: ledger.PLATFORM_FEES, amountCents: -1 },
          { account: ledger.STRIPE_EXTERNAL, amountCents: 1 },
        ] }),
      ),
    );
    await expect(debit).rejects.toSatisfy((err: unknown) => {
      const messages: string[] = [];
      for (let e: unknown = err; e instanceof Error; e = e.cause) messages.push(e.message);
      return messages.some((m) => /ledger account platform:fees is only ever credited/.test(m));
    });
    // A balance decision on them would need a lock that every posting would then wait for: refused.
    await expect(withDb((db) => db.transaction((tx) => ledger.lockedBalanceCents(tx, ledger.STRIPE_EXTERNAL)))).rejects.toThrow(/keeps no balance row/);
    // Their rows are still written only by the entry trigger, which leaves them alone.
    const [row] = await withDb((db) => db.select().from(ledgerAccounts).where(eq(ledgerAccounts.id, ledger.PLATFORM_FEES.id)));
    expect(row!.balanceCents).toBe(0);
  });

  it('lets a second money move through external:stripe and platform:fees commit while the first is still open', async () => {
    // Both accounts exist and are committed first, so neither transaction below waits on the other creating them.
    const warm = await freshTask();
    await withDb((db) => db.transaction((tx) => fundAndRelease(tx, warm)));
    const [one, two] = [await freshTask(), await freshTask()];
    const order: string[] = [];
    let letFirstCommit!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (letFirstCommit = resolve));
    let firstPosted!: () => void;
    const firstHolding = new Promise<void>((resolve) => (firstPosted = resolve));

    const first = withDb((db) =>
      db.transaction(async (tx) => {
        await fundAndRelease(tx, one);
        firstPosted();
        await Promise.race([firstMayCommit, sleep(5_000)]);
      }),
    ).then(() => order.push('first'));
    await firstHolding;
    const second = withDb((db) =>
      db.transaction(async (tx) => {
        // Waiting for the first transaction's locks would fail here rather than pass late.
        await tx.execute(sql`set local lock_timeout = '2s'`);
        await fundAndRelease(tx, two);
      }),
    ).then(() => order.push('second'));
    await second.finally(letFirstCommit);
    await first;
    expect(order).toEqual(['second', 'first']);
    const integrity = await withDb((db) => checkLedgerIntegrity(db));
    expect(integrity).toEqual({ totalCents: 0, driftedAccounts: [], unbalancedTransactions: [] });
  });
});
