/**
 * Funding a task from the client's available balance: the money moves at once (available -> escrow), the task is
 * funded as by a paid checkout, a release pays the professional, and a refund (cancel, expiry, dispute) puts each
 * balance funding back in the available balance without asking Stripe for anything, while checkout payments of the
 * same task are refunded through Stripe as before.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { pendingStripeCalls, tasks } from '../src/db/schema';
import { runScheduledJobs } from '../src/services/scheduled';
import { newAdmin } from './support/accounts';
import { call, env } from './support/api';
import { availableOf, clientWithBalance, expectLedgerInvariants, fundFromBalance } from './support/balance';
import { withDb } from './support/db';
import { act, balanceOf, payableProfessional, pendingCall } from './support/payments';
import { fake, fakeRequests } from './support/stripe';
import { createTask, daysFromNow, fundTask, quickAccount, quickVerifiedProfessional } from './support/tasks';
import { callTool, mcpClient } from './support/mcp';
import { createEndpoint, parsed, receiverPath, waitForRequests } from './support/webhooks';

const taskOf = async (who: { token: string }, taskId: string) => (await call(`/api/v1/tasks/${taskId}`, { token: who.token })).body;
const stripeCallsOf = (taskId: string) => withDb((db) => db.select().from(pendingStripeCalls).where(eq(pendingStripeCalls.taskId, taskId)));
const linesOf = async (who: { token: string }) =>
  (await call('/api/v1/payments/transactions', { token: who.token })).body.data as { type: string; account: string; amount: number; task_id: string; description: string }[];

/** A refund of a balance-funded task: the money is back in the available balance, and Stripe was asked for nothing. */
async function expectRefundedToBalance(owner: { token: string }, taskId: string, available: number) {
  expect((await taskOf(owner, taskId)).funding).toEqual({ status: 'refunded', escrow_amount: 0 });
  expect(await balanceOf(owner)).toEqual({ available_balance: available, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
  expect(await stripeCallsOf(taskId)).toEqual([]);
  expect(await fake(`/__totals?transfer_group=${taskId}`)).toEqual({ collected: 0, refunded: 0, transferred: 0 });
  const [line] = (await linesOf(owner)).filter((l) => l.task_id === taskId && l.account === 'available');
  expect(line).toMatchObject({ type: 'refund', amount: expect.any(Number), description: expect.stringContaining('to your available balance') });
  await expectLedgerInvariants();
}

describe('funding a task from the available balance', () => {
  it('moves the money at once, funds and lists the task, sends task.funded; the professional is paid on approval', async () => {
    const owner = await clientWithBalance(40);
    expect(await balanceOf(owner)).toEqual({ available_balance: 40, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    const { path, url } = receiverPath();
    await createEndpoint(owner, url, ['task.funded']);
    const task = await createTask(owner, { budget_amount: 25 });

    const funded = await fundFromBalance(owner, task.id, 30);
    expect(funded.status, funded.text).toBe(200);
    expect(funded.body).toMatchObject({ id: task.id, status: 'open', funding: { status: 'funded', escrow_amount: 30 } });
    expect(await balanceOf(owner)).toEqual({ available_balance: 10, escrow_balance: 30, pending_balance: 0, currency: 'usd' });
    const lines = (await linesOf(owner)).filter((l) => l.task_id === task.id);
    expect(lines.map((l) => [l.type, l.account, l.amount])).toEqual([
      ['balance_funding', 'escrow', 30],
      ['balance_funding', 'available', -30],
    ]);
    expect(await stripeCallsOf(task.id)).toEqual([]);

    const [request] = await waitForRequests(path, 1);
    expect(parsed(request!)).toMatchObject({ type: 'task.funded', data: { previous_status: 'open', task: { id: task.id, funding: { status: 'funded', escrow_amount: 30 } } } });

    // Listed: any verified professional sees it, and one accepts, delivers and is paid on approval.
    const pro = await quickVerifiedProfessional();
    expect((await call(`/api/v1/tasks/${task.id}`, { token: (await quickVerifiedProfessional()).token })).status).toBe(200);
    await act(task.id, 'accept', pro);
    await act(task.id, 'submit', pro, { text: 'Booked for Tuesday 9:30.' });
    const approved = await act(task.id, 'approve', owner);
    expect(approved).toMatchObject({ status: 'completed', funding: { status: 'released', escrow_amount: 0 } });
    // A fixed budget of 25 funded with 30: the professional is paid the budget, the 5 above it returns to the balance.
    expect(await balanceOf(pro)).toMatchObject({ available_balance: 24.75 });
    expect(await balanceOf(owner)).toEqual({ available_balance: 15, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    await expectLedgerInvariants();
  });

  it('cancel returns it to the available balance: no Stripe refund', async () => {
    const owner = await clientWithBalance(40);
    const task = await createTask(owner, { budget_amount: 25 });
    expect((await fundFromBalance(owner, task.id, 25)).status).toBe(200);
    const canceled = await act(task.id, 'cancel', owner);
    expect(canceled).toMatchObject({ status: 'canceled', funding: { status: 'refunded', escrow_amount: 0 } });
    await expectRefundedToBalance(owner, task.id, 40);
  });

  it('deadline expiry (the cron job) returns it the same way', async () => {
    const owner = await clientWithBalance(18);
    const task = await createTask(owner, { budget_amount: 18, deadline: daysFromNow(1) });
    expect((await fundFromBalance(owner, task.id, 18)).status).toBe(200);
    await withDb((db) => db.update(tasks).set({ deadline: sql`now() - interval '1 minute'` }).where(eq(tasks.id, task.id)));
    await runScheduledJobs(env, new Date());
    expect((await taskOf(owner, task.id)).status).toBe('canceled');
    await expectRefundedToBalance(owner, task.id, 18);
  });

  it('a dispute resolved as refund returns it the same way', async () => {
    const owner = await clientWithBalance(27);
    const pro = await quickVerifiedProfessional();
    const admin = await newAdmin();
    const task = await createTask(owner, { budget_amount: 27 });
    expect((await fundFromBalance(owner, task.id, 27)).status).toBe(200);
    await act(task.id, 'accept', pro);
    await act(task.id, 'dispute', owner, { reason: 'No word for a week.' });
    const resolved = await call(`/api/v1/admin/tasks/${task.id}/resolve`, { method: 'POST', token: admin.token, body: { outcome: 'refund' }, settle: true });
    expect(resolved.body).toMatchObject({ status: 'canceled', funding: { status: 'refunded', escrow_amount: 0 } });
    await expectRefundedToBalance(owner, task.id, 27);
    expect(await balanceOf(pro)).toMatchObject({ available_balance: 0 });
  });

  it('a task funded by a checkout and from the balance: a refund sends each back the way it came', async () => {
    const owner = await clientWithBalance(20);
    const task = await createTask(owner, { budget_type: 'hourly', budget_amount: 10 });
    const { sessionId } = await fundTask(owner, task.id, 10);
    const topUp = await fundFromBalance(owner, task.id, 5.5);
    expect(topUp.body).toMatchObject({ funding: { status: 'funded', escrow_amount: 15.5 } });
    expect(await balanceOf(owner)).toEqual({ available_balance: 14.5, escrow_balance: 15.5, pending_balance: 0, currency: 'usd' });

    await act(task.id, 'cancel', owner);
    // Stripe refunds its own payment, and only that; the 5.50 is back in the balance.
    const key = `refund:${task.id}:${sessionId}`;
    expect((await fakeRequests({ path: '/v1/refunds', method: 'POST', idempotency_key: key })).map((r) => [r.status, r.params.amount])).toEqual([[200, '1000']]);
    expect(await fake(`/__totals?transfer_group=${task.id}`)).toEqual({ collected: 1000, refunded: 1000, transferred: 0 });
    expect((await stripeCallsOf(task.id)).map((c) => [c.idempotencyKey, c.amountCents, c.status])).toEqual([[key, 1000, 'succeeded']]);
    expect((await taskOf(owner, task.id)).funding).toEqual({ status: 'refunded', escrow_amount: 0 });
    expect(await balanceOf(owner)).toEqual({ available_balance: 20, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    await expectLedgerInvariants();
  });

  it('a task funded both ways, released to a professional Stripe can pay: the transfer names no single charge', async () => {
    const owner = await clientWithBalance(20);
    const pro = await payableProfessional();
    const task = await createTask(owner, { budget_type: 'hourly', budget_amount: 10 });
    await fundTask(owner, task.id, 10);
    expect((await fundFromBalance(owner, task.id, 10)).status).toBe(200);
    await act(task.id, 'accept', pro);
    await act(task.id, 'submit', pro, { text: 'Done.' });
    await act(task.id, 'approve', owner);
    const transfer = await pendingCall(`release:${task.id}`);
    expect(transfer).toMatchObject({ kind: 'transfer', amountCents: 1980, status: 'succeeded' });
    expect(transfer!.params).not.toHaveProperty('source_transaction');
    expect(await balanceOf(owner)).toEqual({ available_balance: 10, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    await expectLedgerInvariants();
  });

  it('an Idempotency-Key retry answers the first response and moves the money once', async () => {
    const owner = await clientWithBalance(30);
    const task = await createTask(owner, { budget_type: 'hourly', budget_amount: 5 });
    const headers = { 'Idempotency-Key': 'fund-from-balance-1' };
    const first = await fundFromBalance(owner, task.id, 12, headers);
    const again = await fundFromBalance(owner, task.id, 12, headers);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expect(await balanceOf(owner)).toMatchObject({ available_balance: 18, escrow_balance: 12 });
    expect((await fundFromBalance(owner, task.id, 13, headers)).status).toBe(422);
    await expectLedgerInvariants();
  });
});

describe('funding from the balance: refusals', () => {
  it('more than the balance holds is 409 INSUFFICIENT_BALANCE, and nothing moves', async () => {
    const owner = await clientWithBalance(20);
    const task = await createTask(owner, { budget_amount: 25 });
    const refused = await fundFromBalance(owner, task.id, 25);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'INSUFFICIENT_BALANCE',
      message: 'The available balance is 20.00 USD; 25.00 USD does not fit.',
      details: [{ path: 'amount', message: 'available_balance is 20.00 USD' }],
    });
    const never = await quickAccount('client');
    const theirs = await createTask(never);
    expect((await fundFromBalance(never, theirs.id, 15)).body.error).toMatchObject({ code: 'INSUFFICIENT_BALANCE', message: expect.stringContaining('is 0.00 USD') });
    expect((await taskOf(owner, task.id)).funding).toEqual({ status: 'unfunded', escrow_amount: 0 });
    expect(await balanceOf(owner)).toMatchObject({ available_balance: 20, escrow_balance: 0 });
    await expectLedgerInvariants();
  });

  it("checkout's rules: budget of a fixed task, an open task, the owner's task only, clients only", async () => {
    const owner = await clientWithBalance(40);
    const task = await createTask(owner, { budget_amount: 25 });
    const below = await fundFromBalance(owner, task.id, 24.99);
    expect(below.status).toBe(400);
    expect(below.body.error.details).toEqual([{ path: 'amount', message: "Must be at least the task's budget_amount (25 USD)." }]);
    expect((await fundFromBalance(owner, task.id, 0)).body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'amount' }] });
    expect((await fundFromBalance(owner, task.id, 10.001)).status).toBe(400);

    const other = await quickAccount('ai_client');
    expect((await fundFromBalance(other, task.id, 25)).body.error).toMatchObject({ code: 'NOT_FOUND', message: 'Task not found.' });
    expect((await fundFromBalance(owner, 'task_doesNotExist00', 25)).status).toBe(404);
    expect((await fundFromBalance(await quickVerifiedProfessional(), task.id, 25)).body.error.code).toBe('FORBIDDEN');
    expect((await call(`/api/v1/tasks/${task.id}/fund-from-balance`, { body: { amount: 25 } })).status).toBe(401);

    await act(task.id, 'cancel', owner);
    const closed = await fundFromBalance(owner, task.id, 25);
    expect(closed.status).toBe(409);
    expect(closed.body.error).toMatchObject({ code: 'INVALID_STATE', message: 'The task is canceled; funding from the balance needs it to be open.' });
    expect(await balanceOf(owner)).toMatchObject({ available_balance: 40, escrow_balance: 0 });
    await expectLedgerInvariants();
  });

  it("an API key's spending limits apply as to a checkout", async () => {
    const owner = await clientWithBalance(60);
    const key = (await call('/api/v1/api-keys', { token: owner.token, body: { name: 'agent', max_task_amount: 20, daily_limit: 30 } })).body.key as string;
    const agent = { token: key };
    const big = await createTask(owner, { budget_amount: 25 });
    const overMax = await fundFromBalance(agent, big.id, 25);
    expect(overMax.status).toBe(403);
    expect(overMax.body.error).toMatchObject({ code: 'SPENDING_LIMIT', details: [{ path: 'amount', message: 'max_task_amount is 20.00 USD' }] });

    const first = await createTask(owner, { budget_type: 'hourly', budget_amount: 5 });
    expect((await fundFromBalance(agent, first.id, 20)).status).toBe(200);
    const second = await createTask(owner, { budget_type: 'hourly', budget_amount: 5 });
    const overDaily = await fundFromBalance(agent, second.id, 15);
    expect(overDaily.body.error).toMatchObject({ code: 'SPENDING_LIMIT', details: [{ path: 'amount', message: 'daily_limit is 30.00 USD (20.00 USD committed in the last 24 hours)' }] });
    expect((await fundFromBalance(agent, second.id, 10)).status).toBe(200);
    // A JWT carries no key limits.
    expect((await fundFromBalance(owner, big.id, 25)).status).toBe(200);
    expect(await balanceOf(owner)).toMatchObject({ available_balance: 5, escrow_balance: 55 });
    await expectLedgerInvariants();
  });
});

describe('MCP: fund_task_from_balance', () => {
  it('funds through the same service, and fails with the REST error body when the balance is short', async () => {
    const owner = await clientWithBalance(20);
    const client = await mcpClient(owner.token);
    const task = await createTask(owner, { budget_amount: 15 });
    const short = await callTool(client, 'fund_task_from_balance', { task_id: task.id, amount: 25 });
    expect(short.ok).toBe(false);
    expect(!short.ok && short.error).toMatchObject({ code: 'INSUFFICIENT_BALANCE', details: [{ path: 'amount', message: 'available_balance is 20.00 USD' }] });
    const funded = await callTool(client, 'fund_task_from_balance', { task_id: task.id, amount: 15 });
    expect(funded.ok && funded.data).toMatchObject({ id: task.id, funding: { status: 'funded', escrow_amount: 15 } });
    expect(await balanceOf(owner)).toMatchObject({ available_balance: 5, escrow_balance: 15 });
    await client.close();
    await expectLedgerInvariants();
  });
});

describe('funding from one balance at once', () => {
  it('three parallel fundings of 20 from a balance of 30, on three tasks: exactly one goes through', async () => {
    const owner = await clientWithBalance(30);
    const created = await Promise.all([1, 2, 3].map(() => createTask(owner, { budget_amount: 20 })));
    const results = await Promise.all(created.map((t) => fundFromBalance(owner, t.id, 20)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(['INSUFFICIENT_BALANCE', 'INSUFFICIENT_BALANCE']);
    expect(await balanceOf(owner)).toMatchObject({ available_balance: 10, escrow_balance: 20 });
    await expectLedgerInvariants();
  });

  it('on one task, with a cancel racing them: the balance ends where the ledger says, never below zero', async () => {
    const owner = await clientWithBalance(30);
    const task = await createTask(owner, { budget_type: 'hourly', budget_amount: 5 });
    const results = await Promise.all([
      fundFromBalance(owner, task.id, 20),
      fundFromBalance(owner, task.id, 20),
      fundFromBalance(owner, task.id, 20),
      call(`/api/v1/tasks/${task.id}/cancel`, { method: 'POST', token: owner.token, settle: true }),
    ]);
    const funded = results.slice(0, 3).filter((r) => r.status === 200).length;
    expect(funded).toBeLessThanOrEqual(1);
    expect(results[3]!.status).toBe(200);
    // Whatever won, the cancel returned it: the whole 30 is available again.
    expect(await balanceOf(owner)).toEqual({ available_balance: 30, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    expect(await availableOf(owner)).toBe(30);
    await expectLedgerInvariants();
  });
});
