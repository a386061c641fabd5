/**
 * Outbound money-moving Stripe calls: recorded with their ledger posting, made after commit, retried until Stripe
 * answers, never paid twice. Run against the Stripe fake with the real SDK.
 */
import { describe, expect, it } from 'vitest';
import { findPendingCall } from '../src/db/queries/pending-calls';
import { findTransactionByReference } from '../src/db/queries/ledger';
import * as ledger from '../src/services/ledger';
import {
  attemptPendingCall,
  recordPendingCall,
  retryDelaySeconds,
  type PendingCallInput,
} from '../src/services/payments/pending-calls';
import { paymentsProvider } from '../src/services/payments/active-provider';
import { runScheduledJobs, SCHEDULED_JOBS } from '../src/services/scheduled';
import { newTaskRecord, newUserRecord } from './support/accounts';
import { env } from './support/api';
import { withDb } from './support/db';
import { fake, fakeRequests, testStripe } from './support/stripe';

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

/** A task paid through the fake's checkout: the payment intent and charge a refund or transfer refers to. */
async function paidTask(amount: number, clientId?: string) {
  const taskId = await newTaskRecord(clientId ?? (await newUserRecord('client')).id);
  const session = await testStripe().checkout.sessions.create({
    mode: 'payment',
    line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: amount, product_data: { name: 'A task' } } }],
    client_reference_id: taskId,
    metadata: { task_id: taskId },
    payment_intent_data: { transfer_group: taskId },
    success_url: 'https://agent.example/done',
  });
  const { event } = await fake(`/__pay/${session.id}`, {});
  const intent = await testStripe().paymentIntents.retrieve(event.data.object.payment_intent);
  return { taskId, sessionId: session.id, paymentIntent: intent.id, charge: intent.latest_charge as string };
}

/** Funding credited to escrow, then the task canceled: escrow moves to a refund in flight and the refund is recorded. */
async function canceledTask(amount = 5000) {
  const client = await newUserRecord('client');
  const paid = await paidTask(amount, client.id);
  const escrow = ledger.escrowAccount(paid.taskId, client.id);
  const hold = ledger.pendingRefundAccount(paid.taskId, client.id);
  const key = `refund:${paid.taskId}:${paid.sessionId}`;
  const call: PendingCallInput = {
    kind: 'refund',
    idempotencyKey: key,
    params: { payment_intent: paid.paymentIntent, amount, metadata: { task_id: paid.taskId } },
    hold,
    amountCents: amount,
    taskId: paid.taskId,
    userId: client.id,
  };
  await withDb((db) =>
    db.transaction(async (tx) => {
      await ledger.post(tx, {
        reference: `fund:${paid.sessionId}`,
        kind: 'funding',
        taskId: paid.taskId,
        entries: [{ account: ledger.STRIPE_EXTERNAL, amountCents: -amount }, { account: escrow, amountCents: amount }],
      });
      await ledger.post(tx, {
        reference: key,
        kind: 'refund',
        taskId: paid.taskId,
        entries: [{ account: escrow, amountCents: -amount }, { account: hold, amountCents: amount }],
      });
      await recordPendingCall(tx, call);
    }),
  );
  return { ...paid, client, escrow, hold, key, call };
}

describe('pending Stripe calls', () => {
  it('backs off 30 s, 1 min, 2 min ... up to an hour between attempts', () => {
    expect([1, 2, 3, 4, 8, 20].map(retryDelaySeconds)).toEqual([30, 60, 120, 240, 3600, 3600]);
  });

  it('retries a refund Stripe fails twice until it succeeds: one key, one refund, escrow settled once', async () => {
    const task = await canceledTask(5000);
    await fake('/__fail', { path: '/v1/refunds', method: 'POST', idempotency_key: task.key, count: 2 });
    const provider = paymentsProvider(env);

    expect(await withDb((db) => attemptPendingCall(db, provider, task.key))).toBe('retrying');
    const afterFirst = await withDb((db) => findPendingCall(db, task.key));
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('StripeAPIError') });
    expect(afterFirst!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000);
    // Not due yet: the backoff holds, nothing is sent.
    expect(await withDb((db) => attemptPendingCall(db, provider, task.key))).toBe('not_due');

    expect(await withDb((db) => attemptPendingCall(db, provider, task.key, later(45)))).toBe('retrying');
    // The Cron Trigger's job picks it up once due and finishes it.
    expect(SCHEDULED_JOBS.map((j) => j.name)).toContain('retry-pending-stripe-calls');
    await runScheduledJobs(env, later(600));

    const done = await withDb((db) => findPendingCall(db, task.key));
    expect(done).toMatchObject({ status: 'succeeded', attempts: 3, lastError: null, simulated: false, stripeObjectId: expect.stringMatching(/^re_/) });
    const posts = await fakeRequests({ path: '/v1/refunds', method: 'POST', idempotency_key: task.key });
    expect(posts.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(posts.every((r) => r.params.metadata.idempotency_key === task.key)).toBe(true);
    const refunds = await testStripe().refunds.list({ payment_intent: task.paymentIntent });
    expect(refunds.data.map((r) => r.id)).toEqual([done!.stripeObjectId]);
    expect(await fake(`/__totals?transfer_group=${task.taskId}`)).toEqual({ collected: 5000, refunded: 5000, transferred: 0 });

    expect(await withDb((db) => ledger.accountBalanceCents(db, task.hold))).toBe(0);
    expect(await withDb((db) => ledger.userBalances(db, task.client.id))).toEqual({ availableCents: 0, escrowCents: 0, pendingCents: 0 });
    expect(await withDb((db) => findTransactionByReference(db, `settled:${task.key}`))).toMatchObject({ kind: 'settlement', simulated: false });

    // Done is done: a later run sends nothing.
    await runScheduledJobs(env, later(7200));
    expect(await fakeRequests({ path: '/v1/refunds', method: 'POST', idempotency_key: task.key })).toHaveLength(3);
  });

  it('does not pay twice when Stripe made a transfer but the answer was lost, even after Stripe forgot the key', async () => {
    const paid = await paidTask(8000);
    const pro = await newUserRecord('professional');
    const account = await testStripe().accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    await fake(`/__accounts/${account.id}`, { payouts_enabled: true });
    const available = ledger.availableAccount(pro.id);
    const hold = ledger.pendingPayoutAccount(pro.id);
    const key = `release:${paid.taskId}`;
    await withDb((db) =>
      db.transaction(async (tx) => {
        await ledger.post(tx, {
          reference: `test-earned:${paid.taskId}`,
          kind: 'release',
          entries: [{ account: ledger.STRIPE_EXTERNAL, amountCents: -7920 }, { account: available, amountCents: 7920 }],
        });
        await ledger.post(tx, {
          reference: key,
          kind: 'transfer',
          entries: [{ account: available, amountCents: -7920 }, { account: hold, amountCents: 7920 }],
        });
        await recordPendingCall(tx, {
          kind: 'transfer',
          idempotencyKey: key,
          params: { amount: 7920, currency: 'usd', destination: account.id, source_transaction: paid.charge, transfer_group: paid.taskId },
          hold,
          amountCents: 7920,
          taskId: paid.taskId,
          userId: pro.id,
        });
      }),
    );
    // The first attempt reaches Stripe and the transfer is made, but the answer never comes back...
    await fake('/__fail', { path: '/v1/transfers', method: 'POST', idempotency_key: key, count: 1, after_processing: true });
    const provider = paymentsProvider(env);
    expect(await withDb((db) => attemptPendingCall(db, provider, key))).toBe('retrying');
    // ... and by the time of the retry Stripe has pruned the idempotency key (it keeps them 24 hours).
    await fake('/__idempotency/forget', { key });

    expect(await withDb((db) => attemptPendingCall(db, provider, key, later(3600)))).toBe('succeeded');
    const transfers = await testStripe().transfers.list({ transfer_group: paid.taskId });
    expect(transfers.data).toHaveLength(1);
    expect(await withDb((db) => findPendingCall(db, key))).toMatchObject({ status: 'succeeded', stripeObjectId: transfers.data[0]!.id });
    expect(await fakeRequests({ path: '/v1/transfers', method: 'POST', idempotency_key: key })).toHaveLength(1);
    expect(await withDb((db) => ledger.userBalances(db, pro.id))).toEqual({ availableCents: 0, escrowCents: 0, pendingCents: 0 });
  });

  it('marks a call Stripe refuses as failed and keeps the money visible in the hold account', async () => {
    const task = await canceledTask(3000);
    // Someone refunded the payment in Stripe's dashboard meanwhile: Stripe refuses ours for good.
    await testStripe().refunds.create({ payment_intent: task.paymentIntent });
    expect(await withDb((db) => attemptPendingCall(db, paymentsProvider(env), task.key))).toBe('failed');
    expect(await withDb((db) => findPendingCall(db, task.key))).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('charge_already_refunded'),
    });
    expect(await withDb((db) => ledger.userBalances(db, task.client.id))).toEqual({ availableCents: 0, escrowCents: 0, pendingCents: 3000 });
    await runScheduledJobs(env, later(7200));
    expect(await fakeRequests({ path: '/v1/refunds', method: 'POST', idempotency_key: task.key })).toHaveLength(1);
  });

  it('is recorded with its transaction or not at all, and once per idempotency key', async () => {
    const task = await canceledTask(1000);
    expect(await withDb((db) => db.transaction((tx) => recordPendingCall(tx, task.call)))).toBe(false);

    const key = `refund:${task.taskId}:rolled-back`;
    const rolledBack = withDb((db) =>
      db.transaction(async (tx) => {
        await recordPendingCall(tx, { ...task.call, idempotencyKey: key });
        throw new Error('the posting failed');
      }),
    );
    await expect(rolledBack).rejects.toThrow('the posting failed');
    expect(await withDb((db) => findPendingCall(db, key))).toBeNull();
  });

  it('simulates the call in local payments mode and marks the settlement simulated', async () => {
    const localEnv = { ...env, STRIPE_SECRET_KEY: undefined, STRIPE_WEBHOOK_SECRET: undefined, STRIPE_API_URL: undefined };
    const client = await newUserRecord('client');
    const taskId = await newTaskRecord(client.id);
    const escrow = ledger.escrowAccount(taskId, client.id);
    const hold = ledger.pendingRefundAccount(taskId, client.id);
    const key = `refund:${taskId}:cs_local_x`;
    await withDb((db) =>
      db.transaction(async (tx) => {
        await ledger.post(tx, { reference: `fund:${taskId}`, kind: 'funding', simulated: true, entries: [{ account: ledger.STRIPE_EXTERNAL, amountCents: -700 }, { account: escrow, amountCents: 700 }] });
        await ledger.post(tx, { reference: key, kind: 'refund', entries: [{ account: escrow, amountCents: -700 }, { account: hold, amountCents: 700 }] });
        await recordPendingCall(tx, { kind: 'refund', idempotencyKey: key, params: { payment_intent: 'pi_local_x', amount: 700 }, hold, amountCents: 700 });
      }),
    );
    expect(await withDb((db) => attemptPendingCall(db, paymentsProvider(localEnv), key))).toBe('succeeded');
    expect(await withDb((db) => findPendingCall(db, key))).toMatchObject({ status: 'succeeded', simulated: true, stripeObjectId: expect.stringMatching(/^re_local_/) });
    expect(await withDb((db) => findTransactionByReference(db, `settled:${key}`))).toMatchObject({ simulated: true });
    expect(await fakeRequests({ idempotency_key: key })).toEqual([]);
  });
});
