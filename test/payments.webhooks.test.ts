/**
 * The webhook crediting escrow: once per payment whatever Stripe redelivers, in whatever order, and never on a
 * signature it cannot trust.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { checkouts, ledgerTransactions, stripeEvents } from '../src/db/schema';
import { newId } from '../src/lib/ids';
import { call } from './support/api';
import { withDb } from './support/db';
import { act, balanceOf, pendingCall } from './support/payments';
import { deliver, fake, fakeRequests, testStripe } from './support/stripe';
import { createTask, fundTask, openCheckout, quickAccount } from './support/tasks';

const taskOf = async (owner: { token: string }, taskId: string) => (await call(`/api/v1/tasks/${taskId}`, { token: owner.token })).body;
const ledgerOf = (taskId: string) =>
  withDb((db) => db.select({ reference: ledgerTransactions.reference }).from(ledgerTransactions).where(eq(ledgerTransactions.taskId, taskId)));

describe('checkout.session.completed', () => {
  it('delivered three times at once, credits escrow once', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner, { budget_amount: 42 });
    const { sessionId } = await openCheckout(owner, task.id, 42);
    const { event } = await fake(`/__pay/${sessionId}`, {});
    const results = await Promise.all([deliver(event), deliver(event), deliver(event)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.map((r) => r.body.duplicate).sort()).toEqual([false, true, true]);
    expect(await balanceOf(owner)).toMatchObject({ escrow_balance: 42, available_balance: 0, pending_balance: 0 });
    expect(await taskOf(owner, task.id)).toMatchObject({ funding: { status: 'funded', escrow_amount: 42 } });
    expect(await ledgerOf(task.id)).toEqual([{ reference: `fund:${sessionId}` }]);
  });

  it('refuses a forged or stale signature with 400 and changes nothing', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner);
    const { sessionId } = await openCheckout(owner, task.id, 15);
    const { event } = await fake(`/__pay/${sessionId}`, {});
    const forged = await deliver(event, { secret: 'whsec_an_attacker_guess' });
    const stale = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    for (const res of [forged, stale]) {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'Stripe-Signature', message: expect.any(String) }] });
    }
    expect(await taskOf(owner, task.id)).toMatchObject({ funding: { status: 'pending', escrow_amount: 0 } });
    expect(await balanceOf(owner)).toMatchObject({ escrow_balance: 0 });
    expect(await ledgerOf(task.id)).toEqual([]);
    expect(await withDb((db) => db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id)))).toEqual([]);
    // The genuine delivery still works afterwards.
    expect((await deliver(event)).status).toBe(200);
    expect((await taskOf(owner, task.id)).funding).toEqual({ status: 'funded', escrow_amount: 15 });
  });

  it('ends in the same state whether async_payment_succeeded arrives before or after completed', async () => {
    const runs = [];
    for (const order of ['usual', 'reversed'] as const) {
      const owner = await quickAccount();
      const task = await createTask(owner, { budget_amount: 33 });
      const { checkout, sessionId } = await openCheckout(owner, task.id, 33);
      const { event: completed } = await fake(`/__pay/${sessionId}`, { async: true });
      const { event: succeeded } = await fake(`/__async/${sessionId}`, { outcome: 'succeeded' });
      expect(completed.data.object.payment_status).toBe('unpaid');
      const sequence = order === 'usual' ? [completed, succeeded] : [succeeded, completed];
      const outcomes = [];
      for (const event of sequence) {
        expect((await deliver(event)).status).toBe(200);
        outcomes.push((await withDb((db) => db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id))))[0]!.outcome);
      }
      const [row] = await withDb((db) => db.select().from(checkouts).where(eq(checkouts.id, checkout.id)));
      runs.push({
        outcomes,
        funding: (await taskOf(owner, task.id)).funding,
        balance: await balanceOf(owner),
        checkout: { status: row!.status, paidCents: row!.paidCents, paymentIntent: Boolean(row!.paymentIntentId), charge: row!.chargeId?.slice(0, 3) },
        ledger: (await ledgerOf(task.id)).map((t) => t.reference.replace(sessionId, '<cs>')),
      });
    }
    expect(runs[0]!.outcomes).toEqual(['applied', 'applied']);
    expect(runs[1]!.outcomes).toEqual(['applied', 'stale']);
    const { outcomes: _u, ...usual } = runs[0]!;
    const { outcomes: _r, ...reversed } = runs[1]!;
    expect(reversed).toEqual(usual);
    expect(usual).toEqual({
      funding: { status: 'funded', escrow_amount: 33 },
      balance: { available_balance: 0, escrow_balance: 33, pending_balance: 0, currency: 'usd' },
      checkout: { status: 'paid', paidCents: 3300, paymentIntent: true, charge: 'ch_' },
      ledger: ['fund:<cs>'],
    });
  });

  it('refunds at once a payment that arrives after the task was canceled', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner);
    const { sessionId } = await openCheckout(owner, task.id, 15);
    // The payer is on Stripe's page when the owner cancels; the expiry we ask for comes too late.
    const { event } = await fake(`/__pay/${sessionId}`, {});
    await act(task.id, 'cancel', owner);
    expect((await taskOf(owner, task.id)).funding).toEqual({ status: 'unfunded', escrow_amount: 0 });
    expect((await deliver(event, { settle: true })).status).toBe(200);

    const key = `refund:${task.id}:${sessionId}`;
    expect(await pendingCall(key)).toMatchObject({ status: 'succeeded', kind: 'refund', amountCents: 1500 });
    expect((await fakeRequests({ path: '/v1/refunds', method: 'POST', idempotency_key: key })).map((r) => r.status)).toEqual([200]);
    expect(await fake(`/__totals?transfer_group=${task.id}`)).toEqual({ collected: 1500, refunded: 1500, transferred: 0 });
    expect(await taskOf(owner, task.id)).toMatchObject({ status: 'canceled', funding: { status: 'refunded', escrow_amount: 0 } });
    expect(await balanceOf(owner)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
  });

  it('credits a paid session of ours that was never recorded (the request died after Stripe answered)', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner, { budget_amount: 25 });
    const checkoutId = newId('chk');
    const session = await testStripe().checkout.sessions.create({
      mode: 'payment',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 2500, product_data: { name: 'Lost' } } }],
      client_reference_id: task.id,
      metadata: { task_id: task.id, checkout_id: checkoutId },
      payment_intent_data: { transfer_group: task.id },
      success_url: 'https://agent.example/funded',
    });
    const { event } = await fake(`/__pay/${session.id}`, {});
    expect((await deliver(event)).status).toBe(200);
    expect((await taskOf(owner, task.id)).funding).toEqual({ status: 'funded', escrow_amount: 25 });
    const [row] = await withDb((db) => db.select().from(checkouts).where(eq(checkouts.id, checkoutId)));
    expect(row).toMatchObject({ taskId: task.id, clientId: owner.id, status: 'paid', paidCents: 2500, stripeSessionId: session.id });
  });

  it('ignores a session that is not ours', async () => {
    const session = await testStripe().checkout.sessions.create({
      mode: 'payment',
      line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 900, product_data: { name: 'Someone else' } } }],
      success_url: 'https://shop.example/thanks',
    });
    const { event } = await fake(`/__pay/${session.id}`, {});
    expect((await deliver(event)).status).toBe(200);
    expect((await withDb((db) => db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id))))[0]!.outcome).toBe('ignored');
  });

  it('adds a second paid checkout to the same escrow', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner, { budget_type: 'hourly', budget_amount: 10 });
    await fundTask(owner, task.id, 10);
    await fundTask(owner, task.id, 5.25);
    expect((await taskOf(owner, task.id)).funding).toEqual({ status: 'funded', escrow_amount: 15.25 });
    expect((await balanceOf(owner)).escrow_balance).toBe(15.25);
  });
});
