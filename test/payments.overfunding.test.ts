/**
 * A fixed-price task funded above its budget: on release the professional is paid the budget less the platform fee,
 * and the extra goes back to the client's available balance, in the release's one ledger transaction. An hourly
 * task pays the whole escrow; a refund returns everything, as before.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';
import { tasks } from '../src/db/schema';
import { call, env } from './support/api';
import { newAdmin } from './support/accounts';
import { clientWithBalance, expectLedgerInvariants, fundFromBalance } from './support/balance';
import { withDb } from './support/db';
import { act, balanceOf, payableProfessional, pendingCall } from './support/payments';
import { createTask, fundTask, quickAccount, quickVerifiedProfessional } from './support/tasks';

const zero = { available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' };

/** The release's ledger transaction: its lines by account, and their sum. */
async function releaseLines(taskId: string) {
  const { rows } = await withDb((db) =>
    db.execute<{ account_id: string; amount_cents: number }>(sql`
      select e.account_id, e.amount_cents from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
      where t.reference = ${`release:${taskId}`} order by e.account_id`),
  );
  const lines = Object.fromEntries(rows.map((r) => [r.account_id, Number(r.amount_cents)]));
  return { lines, sum: rows.reduce((total, r) => total + Number(r.amount_cents), 0) };
}

/** Accepted and submitted by `pro`, ready for the client's review. */
async function deliverWork(taskId: string, pro: { token: string }) {
  await act(taskId, 'accept', pro);
  await act(taskId, 'submit', pro, { text: 'Booked for Tuesday 9:30.' });
}

describe('a fixed-price task funded above its budget', () => {
  it('through checkout: approve pays the budget less the fee and returns the extra to the client', async () => {
    const owner = await quickAccount('ai_client');
    const pro = await quickVerifiedProfessional('Olga Over');
    const task = await createTask(owner, { budget_type: 'fixed', budget_amount: 15 });
    await fundTask(owner, task.id, 20);
    expect(await balanceOf(owner)).toEqual({ ...zero, escrow_balance: 20 });
    await deliverWork(task.id, pro);

    const approved = await act(task.id, 'approve', owner);
    expect(approved.funding).toEqual({ status: 'released', escrow_amount: 0 });
    expect(await balanceOf(pro)).toEqual({ ...zero, available_balance: 14.85 }); // 15.00 less the 1% fee
    expect(await balanceOf(owner)).toEqual({ ...zero, available_balance: 5 });
    const { lines, sum } = await releaseLines(task.id);
    expect(lines).toEqual({
      [`available:${owner.id}`]: 500,
      [`available:${pro.id}`]: 1485,
      [`escrow:${task.id}`]: -2000,
      'platform:fees': 15,
    });
    expect(sum).toBe(0);
    await expectLedgerInvariants();

    // The client sees the return as a line on their available balance, beside the escrow's release.
    const listed = await call('/api/v1/payments/transactions', { token: owner.token });
    const [newest, next] = listed.body.data;
    const releaseOf = (l: any) => ({ type: l.type, account: l.account, amount: l.amount, task_id: l.task_id });
    expect([newest, next].map(releaseOf).sort((a, b) => a.amount - b.amount)).toEqual([
      { type: 'release', account: 'escrow', amount: -20, task_id: task.id },
      { type: 'release', account: 'available', amount: 5, task_id: task.id },
    ]);
    expect(newest.transaction_id).toBe(next.transaction_id);
    expect(newest.description).toMatch(/5\.00 USD funded above the budget returned to the client's available balance/);
  });

  it('from the balance: the extra returns to the balance it came from; what is left there can fund the next task', async () => {
    const owner = await clientWithBalance(30);
    const pro = await quickVerifiedProfessional('Bea Balance');
    const task = await createTask(owner, { budget_type: 'fixed', budget_amount: 12.5 });
    expect((await fundFromBalance(owner, task.id, 20)).status).toBe(200);
    expect(await balanceOf(owner)).toEqual({ ...zero, available_balance: 10, escrow_balance: 20 });
    await deliverWork(task.id, pro);

    await act(task.id, 'approve', owner);
    expect(await balanceOf(pro)).toEqual({ ...zero, available_balance: 12.37 }); // 12.50 less 0.13 (1%, rounded half up)
    expect(await balanceOf(owner)).toEqual({ ...zero, available_balance: 17.5 }); // 10 never spent + 7.50 returned
    const { lines, sum } = await releaseLines(task.id);
    expect(lines).toEqual({ [`available:${owner.id}`]: 750, [`available:${pro.id}`]: 1237, [`escrow:${task.id}`]: -2000, 'platform:fees': 13 });
    expect(sum).toBe(0);
    await expectLedgerInvariants();

    const next = await createTask(owner, { budget_type: 'fixed', budget_amount: 17.5 });
    expect((await fundFromBalance(owner, next.id, 17.5)).status).toBe(200);
    expect(await balanceOf(owner)).toEqual({ ...zero, escrow_balance: 17.5 });
  });

  it('paid by checkout and the balance together, to a professional Stripe can pay: the transfer is the earnings only', async () => {
    const owner = await clientWithBalance(15);
    const pro = await payableProfessional('Tina Transfer');
    const task = await createTask(owner, { budget_type: 'fixed', budget_amount: 15 });
    await fundTask(owner, task.id, 15);
    expect((await fundFromBalance(owner, task.id, 15)).status).toBe(200); // a top-up: 30 in escrow
    await deliverWork(task.id, pro);

    await act(task.id, 'approve', owner);
    expect(await balanceOf(owner)).toEqual({ ...zero, available_balance: 15 });
    const transfer = await pendingCall(`release:${task.id}`);
    expect(transfer).toMatchObject({ kind: 'transfer', status: 'succeeded', amountCents: 1485 });
    expect(await balanceOf(pro)).toEqual(zero); // transferred out
    await expectLedgerInvariants();
  });

  it('an admin resolving a dispute as release splits the escrow the same way', async () => {
    const owner = await quickAccount('client');
    const pro = await quickVerifiedProfessional('Dora Dispute');
    const admin = await newAdmin();
    const task = await createTask(owner, { budget_type: 'fixed', budget_amount: 40 });
    await fundTask(owner, task.id, 50.25);
    await act(task.id, 'accept', pro);
    await act(task.id, 'dispute', owner, { reason: 'Not delivered on time.' });

    const resolved = await call(`/api/v1/admin/tasks/${task.id}/resolve`, { method: 'POST', token: admin.token, body: { outcome: 'release' }, settle: true });
    expect(resolved.status).toBe(200);
    expect(await balanceOf(pro)).toEqual({ ...zero, available_balance: 39.6 });
    expect(await balanceOf(owner)).toEqual({ ...zero, available_balance: 10.25 });
    expect((await releaseLines(task.id)).sum).toBe(0);
    await expectLedgerInvariants();
  });

  it('auto-approval (the cron) splits it the same way', async () => {
    const owner = await quickAccount('ai_client');
    const pro = await quickVerifiedProfessional('Axel Auto');
    const task = await createTask(owner, { budget_type: 'fixed', budget_amount: 10 });
    await fundTask(owner, task.id, 12);
    await deliverWork(task.id, pro);
    await withDb((db) => db.update(tasks).set({ submittedAt: sql`now() - interval '30 days'` }).where(eq(tasks.id, task.id)));

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '*/5 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await call(`/api/v1/tasks/${task.id}`, { token: owner.token })).body.status).toBe('completed');
    expect(await balanceOf(pro)).toEqual({ ...zero, available_balance: 9.9 });
    expect(await balanceOf(owner)).toEqual({ ...zero, available_balance: 2 });
  });

  it('a refund still returns everything: the whole 20 goes back through Stripe on cancel', async () => {
    const owner = await quickAccount('ai_client');
    const task = await createTask(owner, { budget_type: 'fixed', budget_amount: 15 });
    const { sessionId } = await fundTask(owner, task.id, 20);
    await act(task.id, 'cancel', owner);
    expect(await pendingCall(`refund:${task.id}:${sessionId}`)).toMatchObject({ kind: 'refund', status: 'succeeded', amountCents: 2000 });
    expect(await balanceOf(owner)).toEqual(zero);
  });
});

describe('an hourly task', () => {
  it('pays the whole escrow, less the fee: its budget is a rate, and nothing is returned', async () => {
    const owner = await quickAccount('ai_client');
    const pro = await quickVerifiedProfessional('Hugo Hourly');
    const task = await createTask(owner, { budget_type: 'hourly', budget_amount: 15 });
    await fundTask(owner, task.id, 45);
    await deliverWork(task.id, pro);

    await act(task.id, 'approve', owner);
    expect(await balanceOf(pro)).toEqual({ ...zero, available_balance: 44.55 });
    expect(await balanceOf(owner)).toEqual(zero);
    const { lines, sum } = await releaseLines(task.id);
    expect(lines).toEqual({ [`available:${pro.id}`]: 4455, [`escrow:${task.id}`]: -4500, 'platform:fees': 45 });
    expect(sum).toBe(0);
  });
});
