/**
 * The money invariants under fire, on real Postgres: 200 funded tasks, each hit at the same moment by approve,
 * cancel, three deliveries of a second payment's webhook and a replay of the first. Afterwards the ledger must
 * still balance and agree with what Stripe (the fake) collected, refunded and transferred.
 */
import { inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { checkLedgerIntegrity } from '../src/db/queries/ledger';
import { pendingStripeCalls } from '../src/db/schema';
import { call } from './support/api';
import { withDb } from './support/db';
import { act, balanceOf, payableProfessional } from './support/payments';
import { deliver, fake, fakeRequests } from './support/stripe';
import { openCheckout, quickAccount, quickVerifiedProfessional, seedTaskBody } from './support/tasks';

const TASKS = 200;
/** Tasks hit at once; each brings six requests, and each request holds a database connection or two. */
const STORM_BATCH = 6;
const SETUP_BATCH = 30;

async function inBatches<T, R>(items: T[], size: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)))));
  return out;
}

const cents = (usd: number) => Math.round(usd * 100);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('money invariants under concurrency', () => {
  it(
    `${TASKS} funded tasks, each hit at once by approve, cancel and webhook replays: every cent accounted for`,
    { timeout: 180_000 },
    async () => {
      const started = Date.now();
      const clients = await Promise.all([quickAccount('ai_client'), quickAccount('client')]);
      const payable = await payableProfessional('Pia Payable'); // payouts enabled: releases are transferred
      const waiting = await quickVerifiedProfessional('Walt Waiting'); // no payouts: earnings stay available

      // Setup through the API: tasks, two checkouts each, the first paid and delivered, the second paid at Stripe only.
      const tasks = await inBatches(Array.from({ length: TASKS }, (_, i) => i), SETUP_BATCH, async (i) => {
        const owner = clients[i % 2]!;
        const first = 10 + (i % 37) + (i % 4) * 0.25;
        const second = 1 + (i % 5) * 0.5;
        const created = await call('/api/v1/tasks', { token: owner.token, body: seedTaskBody({ budget_type: 'hourly', budget_amount: first }) });
        if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
        const id = created.body.id as string;
        const one = await openCheckout(owner, id, first);
        const two = await openCheckout(owner, id, second);
        const paidOne = (await fake(`/__pay/${one.sessionId}`, {})).event;
        const paidTwo = (await fake(`/__pay/${two.sessionId}`, {})).event;
        const delivered = await deliver(paidOne);
        if (delivered.status !== 200) throw new Error(`deliver: ${delivered.status}`);
        return { i, id, owner, pro: i % 4 === 0 ? payable : waiting, submitted: i % 2 === 0, paidOne, paidTwo, cents: cents(first) + cents(second) };
      });
      await inBatches(tasks.filter((t) => t.submitted), SETUP_BATCH, async (t) => {
        await act(t.id, 'accept', t.pro);
        await act(t.id, 'submit', t.pro, { text: `Result ${t.i}` });
      });
      const setupMs = Date.now() - started;

      // The storm: for each task at once, approve, cancel, the second payment three times and the first once more.
      const stormStarted = Date.now();
      // Who gets a head start varies by task (the webhook looks the charge up at Stripe before its transaction, so
      // started together the moves would nearly always win), so both orders of payment and move are exercised.
      const results = await inBatches(tasks, STORM_BATCH, async (t) => {
        const [moveDelay, hookDelay] = t.i % 4 === 3 ? [0, 10] : [(t.i % 4) * 40, 0];
        const after = <T>(ms: number, fn: () => Promise<T>) => (ms ? sleep(ms).then(fn) : fn());
        const post = (action: string) =>
          after(moveDelay, () => call(`/api/v1/tasks/${t.id}/${action}`, { method: 'POST', token: t.owner.token, settle: true }));
        const hook = (event: object) => after(hookDelay, () => deliver(event, { settle: true }));
        const [approve, cancel, ...hooks] = await Promise.all([
          post('approve'),
          post('cancel'),
          hook(t.paidTwo),
          hook(t.paidTwo),
          hook(t.paidTwo),
          hook(t.paidOne),
        ]);
        return { t, approve: approve!.status, cancel: cancel!.status, hooks: hooks.map((h) => h.status), fresh: hooks.filter((h) => h.body.duplicate === false).length };
      });
      const stormMs = Date.now() - stormStarted;

      // Every move lands where the task's status says: submitted tasks approve, open ones cancel, the other gets 409.
      const approved = results.filter((r) => r.approve === 200);
      const canceled = results.filter((r) => r.cancel === 200);
      expect(approved.map((r) => r.t.id).sort()).toEqual(tasks.filter((t) => t.submitted).map((t) => t.id).sort());
      expect(canceled.map((r) => r.t.id).sort()).toEqual(tasks.filter((t) => !t.submitted).map((t) => t.id).sort());
      for (const r of results) {
        expect([r.approve, r.cancel].sort()).toEqual([200, 409]);
        expect(r.hooks).toEqual([200, 200, 200, 200]);
        expect(r.fresh).toBe(1); // of the three deliveries of the second payment exactly one is processed; the replay is a duplicate
      }

      const ids = tasks.map((t) => t.id);
      const figures = await withDb(async (db) => {
        // Per task, from the ledger: what came in, what went to the professional, what went back.
        const perTask = await db.execute<{ task_id: string; funded: string; released: string; refunded: string; escrow: string; external: string; fees: string }>(sql`
          select t.task_id,
            coalesce(sum(e.amount_cents) filter (where t.kind = 'funding' and a.kind = 'escrow'), 0) as funded,
            coalesce(-sum(e.amount_cents) filter (where t.kind = 'release' and a.kind = 'escrow'), 0) as released,
            coalesce(-sum(e.amount_cents) filter (where t.kind = 'refund' and a.kind = 'escrow'), 0) as refunded,
            coalesce(sum(e.amount_cents) filter (where a.kind = 'escrow'), 0) as escrow,
            coalesce(sum(e.amount_cents) filter (where a.kind = 'external_stripe'), 0) as external,
            coalesce(sum(e.amount_cents) filter (where a.kind = 'platform_fees'), 0) as fees
          from ledger_transactions t join ledger_entries e on e.transaction_id = t.id join ledger_accounts a on a.id = e.account_id
          where t.task_id in ${ids}
          group by t.task_id`);
        const [negative] = (await db.execute<{ n: string }>(sql`select count(*) as n from ledger_accounts where kind <> 'external_stripe' and balance_cents < 0`)).rows;
        const [escrowLeft] = (await db.execute<{ cents: string }>(sql`select coalesce(sum(balance_cents), 0) as cents from ledger_accounts where kind in ('escrow', 'pending_refund') and task_id in ${ids}`)).rows;
        const calls = await db.select({ key: pendingStripeCalls.idempotencyKey, status: pendingStripeCalls.status, kind: pendingStripeCalls.kind })
          .from(pendingStripeCalls).where(inArray(pendingStripeCalls.taskId, ids));
        const stamps = await db.execute<{ reference: string; created_at: string }>(
          sql`select reference, created_at from ledger_transactions where task_id in ${ids} and kind in ('funding', 'refund')`,
        );
        return { perTask: perTask.rows, stamps: stamps.rows, negative: Number(negative!.n), escrowLeft: Number(escrowLeft!.cents), calls, integrity: await checkLedgerIntegrity(db) };
      });

      // Every ledger transaction sums to zero, every balance is the sum of its entries, and the whole ledger is zero.
      expect(figures.integrity).toEqual({ totalCents: 0, driftedAccounts: [], unbalancedTransactions: [] });
      expect(figures.negative).toBe(0);
      expect(figures.escrowLeft).toBe(0);
      const byTask = new Map(figures.perTask.map((r) => [r.task_id, r]));
      let funded = 0, released = 0, refunded = 0, fees = 0, heldByPlatform = 0;
      for (const t of tasks) {
        const row = byTask.get(t.id)!;
        const [f, rel, ref] = [Number(row.funded), Number(row.released), Number(row.refunded)];
        expect(f).toBe(t.cents); // both payments credited, each once
        expect(rel + ref).toBeLessThanOrEqual(f);
        expect(rel + ref).toBe(f); // every task ended completed or canceled: nothing is left in escrow
        expect(Number(row.escrow)).toBe(0);
        if (!t.submitted) expect(rel).toBe(0);
        funded += f;
        released += rel;
        refunded += ref;
        fees += Number(row.fees);
        heldByPlatform -= Number(row.external);
      }
      expect(figures.calls.filter((c) => c.status !== 'succeeded')).toEqual([]);

      // Stripe's side, for these tasks' transfer groups: collected - refunded - transferred is what the platform still
      // holds, which the ledger says is the fees plus the earnings waiting for a professional without payouts.
      const stripe = { collected: 0, refunded: 0, transferred: 0 };
      await inBatches(ids, 50, async (id) => {
        const totals = await fake(`/__totals?transfer_group=${id}`);
        stripe.collected += totals.collected;
        stripe.refunded += totals.refunded;
        stripe.transferred += totals.transferred;
      });
      const waitingEarned = cents((await balanceOf(waiting)).available_balance);
      expect(stripe.collected).toBe(funded);
      expect(stripe.refunded).toBe(refunded);
      expect(stripe.collected - stripe.refunded - stripe.transferred).toBe(heldByPlatform);
      expect(heldByPlatform).toBe(fees + waitingEarned);
      expect(await balanceOf(payable)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
      for (const client of clients) expect(await balanceOf(client)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });

      // Each Stripe call that moves money was made once: one transfer per task paid to the payable professional, one
      // refund per refunded payment.
      const transferKeys = figures.calls.filter((c) => c.kind === 'transfer').map((c) => c.key);
      expect(transferKeys.sort()).toEqual(approved.filter((r) => r.t.pro === payable).map((r) => `release:${r.t.id}`).sort());
      const refundKeys = figures.calls.filter((c) => c.kind === 'refund').map((c) => c.key);
      const moneyRequests = [...(await fakeRequests({ path: '/v1/transfers', method: 'POST' })), ...(await fakeRequests({ path: '/v1/refunds', method: 'POST' }))];
      const sent = new Map<string, number>();
      for (const r of moneyRequests) if (r.idempotency_key) sent.set(r.idempotency_key, (sent.get(r.idempotency_key) ?? 0) + 1);
      for (const key of [...transferKeys, ...refundKeys]) expect(sent.get(key)).toBe(1);

      // Which way each race went: the second payment landed before the move (released or refunded together with the
      // first), or after it (refunded on arrival, in the transaction that credited it: same transaction time).
      const stamps = new Map(figures.stamps.map((r) => [r.reference, new Date(r.created_at).getTime()]));
      const secondAfterMove = results.filter((r) => {
        const session = r.t.paidTwo.data.object.id as string;
        const refundedAt = stamps.get(`refund:${r.t.id}:${session}`);
        return refundedAt !== undefined && refundedAt === stamps.get(`fund:${session}`);
      });
      console.log(
        JSON.stringify({
          invariants: {
            tasks: TASKS,
            approved: approved.length,
            canceled: canceled.length,
            second_payment_before_move: TASKS - secondAfterMove.length,
            second_payment_after_move: { approved: secondAfterMove.filter((r) => r.approve === 200).length, canceled: secondAfterMove.filter((r) => r.cancel === 200).length },
            funded_usd: funded / 100,
            released_usd: released / 100,
            refunded_usd: refunded / 100,
            fees_usd: fees / 100,
            stripe_collected_usd: stripe.collected / 100,
            stripe_refunded_usd: stripe.refunded / 100,
            stripe_transferred_usd: stripe.transferred / 100,
            platform_holds_usd: heldByPlatform / 100,
            refunds: refundKeys.length,
            transfers: transferKeys.length,
            setup_ms: setupMs,
            storm_ms: stormMs,
            wall_ms: Date.now() - started,
          },
        }),
      );
    },
  );
});
