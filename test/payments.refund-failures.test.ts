/**
 * Refunds Stripe fails after accepting them (the card was closed): the money comes back from Stripe to the client's
 * available balance, once, whichever of refund.failed / refund.updated / charge.refund.updated arrives, however
 * often, and even before our own settlement of the refund.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { checkLedgerIntegrity, findTransactionByReference } from '../src/db/queries/ledger';
import { ledgerAccounts, ledgerTransactions, stripeEvents } from '../src/db/schema';
import { attemptPendingCall } from '../src/services/payments/pending-calls';
import { paymentsProvider } from '../src/services/payments/active-provider';
import type { PaymentsProvider } from '../src/services/payments/provider';
import { runScheduledJobs } from '../src/services/scheduled';
import { call, env } from './support/api';
import { withDb } from './support/db';
import type { TestAccount } from './support/accounts';
import { act, balanceOf, pendingCall } from './support/payments';
import { deliver, fake, fakeRequests, stripeEvent, testStripe } from './support/stripe';
import { createTask, fundTask, quickAccount } from './support/tasks';

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);
const outcomeOf = async (eventId: string) =>
  (await withDb((db) => db.select().from(stripeEvents).where(eq(stripeEvents.id, eventId))))[0]?.outcome;
const taskLedger = (taskId: string) =>
  withDb((db) => db.select({ reference: ledgerTransactions.reference, kind: ledgerTransactions.kind }).from(ledgerTransactions).where(eq(ledgerTransactions.taskId, taskId)));

/** A task funded with `usd` and canceled; the refund call's key. `failFirstRefund` makes Stripe's first answer a 500. */
async function canceledTask(usd: number, failFirstRefund?: { afterProcessing: boolean }, client?: TestAccount) {
  const owner = client ?? (await quickAccount());
  const task = await createTask(owner, { budget_amount: usd });
  const { sessionId } = await fundTask(owner, task.id, usd);
  const key = `refund:${task.id}:${sessionId}`;
  if (failFirstRefund) {
    await fake('/__fail', { path: '/v1/refunds', method: 'POST', idempotency_key: key, after_processing: failFirstRefund.afterProcessing });
  }
  await act(task.id, 'cancel', owner);
  return { owner, taskId: task.id as string, key };
}

/** The one refund Stripe (the fake) made for the call, found as a retry finds it: by the key in its metadata. */
async function refundMadeFor(key: string) {
  const [request] = await fakeRequests({ path: '/v1/refunds', method: 'POST', idempotency_key: key });
  const refunds = await testStripe().refunds.list({ payment_intent: request!.params.payment_intent as string });
  const made = refunds.data.filter((r) => r.metadata?.idempotency_key === key);
  expect(made).toHaveLength(1);
  return made[0]!;
}

/** The money checks: the whole ledger balances, nothing below zero, nothing left in the task's escrow or pending refund. */
async function expectLedgerSound(taskId: string) {
  const figures = await withDb(async (db) => {
    const [negative] = (await db.execute<{ n: string }>(sql`select count(*) as n from ledger_accounts where kind <> 'external_stripe' and balance_cents < 0`)).rows;
    const held = await db
      .select({ kind: ledgerAccounts.kind, cents: ledgerAccounts.balanceCents })
      .from(ledgerAccounts)
      .where(eq(ledgerAccounts.taskId, taskId));
    const [external] = (
      await db.execute<{ cents: string }>(sql`
        select coalesce(sum(e.amount_cents), 0) as cents from ledger_entries e join ledger_transactions t on t.id = e.transaction_id
        where t.task_id = ${taskId} and e.account_id = 'external:stripe'`)
    ).rows;
    return { integrity: await checkLedgerIntegrity(db), negative: Number(negative!.n), held, external: Number(external!.cents) };
  });
  expect(figures.integrity).toEqual({ totalCents: 0, driftedAccounts: [], unbalancedTransactions: [] });
  expect(figures.negative).toBe(0);
  expect(figures.held.filter((a) => a.cents !== 0)).toEqual([]);
  // Stripe's side of this task: what it collected less what it really refunded is what the ledger says the platform holds.
  const stripe = await fake(`/__totals?transfer_group=${taskId}`);
  expect(stripe.collected - stripe.refunded - stripe.transferred).toBe(-figures.external);
}

describe('a refund Stripe fails after accepting it', () => {
  it('credits the client\'s available balance once, marks the call failed, and ignores every repeat', async () => {
    const { owner, taskId, key } = await canceledTask(64);
    const refund = await refundMadeFor(key);
    expect(await pendingCall(key)).toMatchObject({ status: 'succeeded', stripeObjectId: refund.id });
    expect(await balanceOf(owner)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });

    const [updated, failed, chargeRefundUpdated] = (await fake(`/__refunds/${refund.id}/fail`, { failure_reason: 'expired_or_canceled_card' })).events;
    expect(failed.data.object).toMatchObject({ id: refund.id, status: 'failed', metadata: { idempotency_key: key } });
    const first = await deliver(failed);
    expect(first).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
    expect(await outcomeOf(failed.id)).toBe('applied');

    expect(await balanceOf(owner)).toEqual({ available_balance: 64, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    expect((await call('/auth/me', { token: owner.token })).body.balance).toBe(64);
    expect(await pendingCall(key)).toMatchObject({
      status: 'failed',
      stripeObjectId: refund.id,
      lastError: `refund ${refund.id} failed at Stripe: expired_or_canceled_card`,
    });
    expect(await withDb((db) => findTransactionByReference(db, `refund_failed:${refund.id}`))).toMatchObject({ kind: 'reversal', userId: owner.id, taskId });
    const [line] = (await call('/api/v1/payments/transactions', { token: owner.token })).body.data;
    expect(line).toMatchObject({ type: 'reversal', account: 'available', amount: 64, task_id: taskId, description: expect.stringContaining(refund.id) });
    await expectLedgerSound(taskId);

    // The same event again, the other two event types for the same refund, and the cron job: nothing changes.
    const ledgerBefore = await taskLedger(taskId);
    expect(await deliver(failed)).toMatchObject({ status: 200, body: { duplicate: true } });
    for (const event of [updated, chargeRefundUpdated]) {
      expect(await deliver(event)).toMatchObject({ status: 200, body: { duplicate: false } });
      expect(await outcomeOf(event.id)).toBe('stale');
    }
    await runScheduledJobs(env, later(7200));
    expect(await taskLedger(taskId)).toEqual(ledgerBefore);
    expect(ledgerBefore.map((t) => t.kind).sort()).toEqual(['funding', 'refund', 'reversal', 'settlement']);
    expect(await balanceOf(owner)).toEqual({ available_balance: 64, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    expect((await fakeRequests({ path: '/v1/refunds', method: 'POST', idempotency_key: key })).map((r) => r.status)).toEqual([200]);
    await expectLedgerSound(taskId);
  });

  it('the three events for one failure, delivered at once, credit it once', async () => {
    const { owner, taskId, key } = await canceledTask(23.5);
    const refund = await refundMadeFor(key);
    const events = (await fake(`/__refunds/${refund.id}/fail`, {})).events;
    const results = await Promise.all([...events, ...events].map((e: object) => deliver(e)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const outcomes = await Promise.all(events.map((e: { id: string }) => outcomeOf(e.id)));
    expect(outcomes.sort()).toEqual(['applied', 'stale', 'stale']);
    expect(await balanceOf(owner)).toEqual({ available_balance: 23.5, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    await expectLedgerSound(taskId);
  });

  it('failures of one client\'s refunds, settled and not yet settled, processed at once: each credited once, no deadlock', async () => {
    const owner = await quickAccount();
    const pairs = 4;
    const settled = await Promise.all(Array.from({ length: pairs }, () => canceledTask(10, undefined, owner)));
    const unsettled = await Promise.all(Array.from({ length: pairs }, () => canceledTask(1, { afterProcessing: true }, owner)));
    const failures = await Promise.all(
      [...settled, ...unsettled].map(async ({ key }) => (await fake(`/__refunds/${(await refundMadeFor(key)).id}/fail`, {})).events[1]),
    );
    const results = await Promise.all(failures.map((e: object) => deliver(e)));
    expect(results.map((r) => r.status)).toEqual(failures.map(() => 200));
    expect(await balanceOf(owner)).toEqual({ available_balance: pairs * 11, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    for (const { taskId } of [...settled, ...unsettled]) await expectLedgerSound(taskId);
  });

  it('arriving while the attempt that made the refund is still in flight: settled and reversed at once; the attempt then changes nothing', async () => {
    // Stripe's first answer is lost before it made anything: the call waits for the cron job, money in pending_refund.
    const { owner, taskId, key } = await canceledTask(40, { afterProcessing: false });
    expect(await pendingCall(key)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await balanceOf(owner)).toMatchObject({ available_balance: 0, pending_balance: 40 });

    // The retry makes the refund; before its answer is recorded, the refund fails and Stripe's events come in.
    const real = paymentsProvider(env);
    let delivered: Awaited<ReturnType<typeof deliver>>[] = [];
    const racing: PaymentsProvider = Object.assign(Object.create(real), {
      async execute(moneyCall: Parameters<PaymentsProvider['execute']>[0], attempt: { retry: boolean }) {
        const outcome = await real.execute(moneyCall, attempt);
        if (!outcome.ok) throw new Error(`refund failed: ${outcome.message}`);
        const events = (await fake(`/__refunds/${outcome.id}/fail`, {})).events;
        delivered = [await deliver(events[1]), await deliver(events[0])];
        return outcome;
      },
    });
    expect(await withDb((db) => attemptPendingCall(db, racing, key, later(60)))).toBe('succeeded');
    expect(delivered.map((r) => r.status)).toEqual([200, 200]);

    const refund = await refundMadeFor(key);
    expect(await pendingCall(key)).toMatchObject({ status: 'failed', stripeObjectId: refund.id, attempts: 2 });
    const references = (await taskLedger(taskId)).map((t) => t.reference);
    expect(references.filter((r) => r.startsWith('settled:') || r.startsWith('refund_failed:')).sort()).toEqual([`refund_failed:${refund.id}`, `settled:${key}`]);
    expect(await balanceOf(owner)).toEqual({ available_balance: 40, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    await runScheduledJobs(env, later(7200));
    expect((await fakeRequests({ path: '/v1/refunds', method: 'POST', idempotency_key: key })).map((r) => r.status)).toEqual([500, 200]);
    await expectLedgerSound(taskId);
  });

  it('arriving before the retry that would adopt the refund (its answer was lost): correct at once, and the retry never runs', async () => {
    // Stripe made the refund but its answer was lost: the call waits for a retry, money in pending_refund.
    const { owner, taskId, key } = await canceledTask(12.34, { afterProcessing: true });
    expect(await pendingCall(key)).toMatchObject({ status: 'pending', attempts: 1 });
    const refund = await refundMadeFor(key);
    const [, failed] = (await fake(`/__refunds/${refund.id}/fail`, { failure_reason: 'lost_or_stolen_card' })).events;
    expect((await deliver(failed)).status).toBe(200);
    expect(await outcomeOf(failed.id)).toBe('applied');
    expect(await balanceOf(owner)).toEqual({ available_balance: 12.34, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    expect(await pendingCall(key)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('lost_or_stolen_card') });
    await runScheduledJobs(env, later(7200));
    expect((await fakeRequests({ path: '/v1/refunds', method: 'POST', idempotency_key: key })).map((r) => r.status)).toEqual([500]);
    expect(await balanceOf(owner)).toMatchObject({ available_balance: 12.34, pending_balance: 0 });
    await expectLedgerSound(taskId);
  });
});

describe('refund events that need nothing', () => {
  it('a refund that succeeded or is pending, a refund that is not ours, or one we never made: 200, ignored', async () => {
    const { owner, taskId, key } = await canceledTask(30);
    const refund = await refundMadeFor(key);
    const ours = { id: refund.id, object: 'refund', amount: 3000, currency: 'usd', metadata: { idempotency_key: key } };
    const events = [
      stripeEvent('refund.updated', { ...ours, status: 'succeeded' }),
      stripeEvent('charge.refund.updated', { ...ours, status: 'pending' }),
      stripeEvent('refund.failed', { id: 're_unknown1234567890', object: 'refund', amount: 3000, status: 'failed', metadata: {} }),
      stripeEvent('refund.failed', { ...ours, id: 're_other1234567890', metadata: { idempotency_key: 'refund:task_nothing:cs_nothing' } }),
    ];
    for (const event of events) {
      expect(await deliver(event)).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
      expect(await outcomeOf(event.id)).toBe('ignored');
    }
    expect(await pendingCall(key)).toMatchObject({ status: 'succeeded' });
    expect(await balanceOf(owner)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    expect((await taskLedger(taskId)).map((t) => t.kind).sort()).toEqual(['funding', 'refund', 'settlement']);
  });

  it('a failure naming another amount than we refunded moves nothing and is left for Stripe to deliver again', async () => {
    const { owner, key } = await canceledTask(30);
    const refund = await refundMadeFor(key);
    const odd = stripeEvent('refund.failed', { id: refund.id, object: 'refund', amount: 2999, currency: 'usd', status: 'failed', metadata: { idempotency_key: key } });
    expect((await deliver(odd)).status).toBe(500);
    expect(await outcomeOf(odd.id)).toBeUndefined();
    expect(await pendingCall(key)).toMatchObject({ status: 'succeeded' });
    expect(await balanceOf(owner)).toMatchObject({ available_balance: 0 });
    const accounts = await withDb((db) => db.select().from(ledgerAccounts).where(inArray(ledgerAccounts.id, [`available:${owner.id}`])));
    expect(accounts).toEqual([]);
  });
});
