/**
 * Escrow going back to the client: cancel, deadline expiry and a dispute resolved as refund each refund every
 * payment through Stripe, keyed refund:<task>:<checkout session>; a failed refund is retried by the cron job and
 * never made twice.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findTransactionByReference } from '../src/db/queries/ledger';
import { tasks } from '../src/db/schema';
import { runScheduledJobs } from '../src/services/scheduled';
import { call, env } from './support/api';
import { newAdmin } from './support/accounts';
import { withDb } from './support/db';
import { act, balanceOf, pendingCall } from './support/payments';
import { fake, fakeRequests, testStripe } from './support/stripe';
import { createTask, fundTask, quickAccount, quickVerifiedProfessional, daysFromNow } from './support/tasks';

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);
const taskOf = async (owner: { token: string }, taskId: string) => (await call(`/api/v1/tasks/${taskId}`, { token: owner.token })).body;

/** The refunds Stripe (the fake) was asked for with this key, by answer status, and the refunds it made for the task. */
async function refundsFor(taskId: string, sessionId: string) {
  const key = `refund:${taskId}:${sessionId}`;
  const requests = await fakeRequests({ path: '/v1/refunds', method: 'POST', idempotency_key: key });
  const totals = await fake(`/__totals?transfer_group=${taskId}`);
  return { key, statuses: requests.map((r) => r.status), params: requests[0]?.params, totals };
}

async function expectRefunded(owner: { token: string }, taskId: string, sessionId: string, cents: number) {
  const refunds = await refundsFor(taskId, sessionId);
  expect(refunds.statuses).toEqual([200]);
  expect(refunds.params).toMatchObject({ amount: String(cents), payment_intent: expect.stringMatching(/^pi_/), metadata: { task_id: taskId, idempotency_key: refunds.key } });
  expect(refunds.totals).toEqual({ collected: cents, refunded: cents, transferred: 0 });
  expect(await pendingCall(refunds.key)).toMatchObject({ status: 'succeeded', attempts: 1 });
  expect(await withDb((db) => findTransactionByReference(db, `settled:${refunds.key}`))).toMatchObject({ kind: 'settlement' });
  expect((await taskOf(owner, taskId)).funding).toEqual({ status: 'refunded', escrow_amount: 0 });
  expect(await balanceOf(owner)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
}

describe('refunds', () => {
  it('cancel of a funded task refunds the payment through Stripe, once', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner, { budget_amount: 64 });
    const { sessionId } = await fundTask(owner, task.id, 64);
    const canceled = await act(task.id, 'cancel', owner);
    expect(canceled.status).toBe('canceled');
    await expectRefunded(owner, task.id, sessionId, 6400);
    const lines = (await call('/api/v1/payments/transactions', { token: owner.token })).body.data;
    expect(lines.map((l: { type: string; account: string; amount: number }) => [l.type, l.account, l.amount])).toEqual([
      ['settlement', 'pending_refund', -64],
      ['refund', 'pending_refund', 64],
      ['refund', 'escrow', -64],
      ['funding', 'escrow', 64],
    ]);
  });

  it('deadline expiry refunds the same way (the cron job)', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner, { budget_amount: 18, deadline: daysFromNow(1) });
    const { sessionId } = await fundTask(owner, task.id, 18);
    await withDb((db) => db.update(tasks).set({ deadline: sql`now() - interval '1 minute'` }).where(eq(tasks.id, task.id)));
    await runScheduledJobs(env, new Date());
    expect((await taskOf(owner, task.id)).status).toBe('canceled');
    await expectRefunded(owner, task.id, sessionId, 1800);
  });

  it('a dispute resolved as refund refunds the same way', async () => {
    const owner = await quickAccount();
    const pro = await quickVerifiedProfessional();
    const admin = await newAdmin();
    const task = await createTask(owner, { budget_amount: 27 });
    const { sessionId } = await fundTask(owner, task.id, 27);
    await act(task.id, 'accept', pro);
    await act(task.id, 'dispute', owner, { reason: 'No word for a week.' });
    const resolved = await call(`/api/v1/admin/tasks/${task.id}/resolve`, { method: 'POST', token: admin.token, body: { outcome: 'refund' }, settle: true });
    expect(resolved.body).toMatchObject({ status: 'canceled', funding: { status: 'refunded', escrow_amount: 0 } });
    await expectRefunded(owner, task.id, sessionId, 2700);
    expect(await balanceOf(pro)).toMatchObject({ available_balance: 0 });
  });

  it('refunds each payment of a task funded twice', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner, { budget_type: 'hourly', budget_amount: 10 });
    const first = await fundTask(owner, task.id, 10);
    const second = await fundTask(owner, task.id, 2.5);
    await act(task.id, 'cancel', owner);
    expect((await refundsFor(task.id, first.sessionId)).statuses).toEqual([200]);
    expect((await refundsFor(task.id, second.sessionId)).statuses).toEqual([200]);
    expect(await fake(`/__totals?transfer_group=${task.id}`)).toEqual({ collected: 1250, refunded: 1250, transferred: 0 });
    expect(await balanceOf(owner)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
  });

  it('a refund Stripe fails is retried by the cron job until it succeeds, and never made twice', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner, { budget_amount: 40 });
    const { sessionId } = await fundTask(owner, task.id, 40);
    const key = `refund:${task.id}:${sessionId}`;
    await fake('/__fail', { path: '/v1/refunds', method: 'POST', idempotency_key: key, count: 2 });

    await act(task.id, 'cancel', owner); // the first attempt, right after the cancel, fails
    expect(await pendingCall(key)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await balanceOf(owner)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 40, currency: 'usd' });

    await runScheduledJobs(env, later(10)); // not due yet (30 s backoff): nothing sent
    expect((await refundsFor(task.id, sessionId)).statuses).toEqual([500]);
    await runScheduledJobs(env, later(45)); // due: fails again
    await runScheduledJobs(env, later(600)); // due: succeeds
    await runScheduledJobs(env, later(7200)); // done is done
    const refunds = await refundsFor(task.id, sessionId);
    expect(refunds.statuses).toEqual([500, 500, 200]);
    expect(refunds.totals).toEqual({ collected: 4000, refunded: 4000, transferred: 0 });
    const paymentIntent = refunds.params!.payment_intent as string;
    expect((await testStripe().refunds.list({ payment_intent: paymentIntent })).data).toHaveLength(1);
    expect(await pendingCall(key)).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(await balanceOf(owner)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });

    // Canceling again is refused; nothing more is refunded.
    expect((await call(`/api/v1/tasks/${task.id}/cancel`, { method: 'POST', token: owner.token, settle: true })).status).toBe(409);
    expect((await refundsFor(task.id, sessionId)).statuses).toEqual([500, 500, 200]);
  });
});
