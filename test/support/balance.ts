/** Clients with an available balance, made the way it happens: a card refund Stripe fails after accepting it. */
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { checkLedgerIntegrity } from '../../src/db/queries/ledger';
import type { TestAccount } from './accounts';
import { call } from './api';
import { withDb } from './db';
import { act, balanceOf, pendingCall } from './payments';
import { deliver, fake } from './stripe';
import { createTask, fundTask, quickAccount } from './tasks';

/**
 * A client whose available balance holds `usd` more than before: a task funded through Stripe with `usd` is canceled,
 * Stripe accepts the refund, then fails it (a closed card), and refund.failed reaches the webhook.
 */
export async function clientWithBalance(usd: number, client?: TestAccount): Promise<TestAccount> {
  const owner = client ?? (await quickAccount('ai_client'));
  const task = await createTask(owner, { budget_amount: usd });
  const { sessionId } = await fundTask(owner, task.id, usd);
  await act(task.id, 'cancel', owner);
  const refundId = (await pendingCall(`refund:${task.id}:${sessionId}`))?.stripeObjectId;
  if (!refundId) throw new Error(`no refund was made for task ${task.id}`);
  const [, failed] = (await fake(`/__refunds/${refundId}/fail`, { failure_reason: 'expired_or_canceled_card' })).events;
  const res = await deliver(failed);
  if (res.status !== 200) throw new Error(`refund.failed: ${res.status} ${res.text}`);
  return owner;
}

/** POST /api/v1/tasks/{id}/fund-from-balance, waiting for the work it left behind. */
export const fundFromBalance = (who: { token: string }, taskId: string, amount: unknown, headers?: Record<string, string>) =>
  call(`/api/v1/tasks/${taskId}/fund-from-balance`, { method: 'POST', token: who.token, body: { amount }, headers, settle: true });

/** The ledger's own rules, over the whole ledger: every transaction sums to zero, no drift, nothing below zero but Stripe. */
export async function expectLedgerInvariants() {
  const figures = await withDb(async (db) => {
    const [negative] = (await db.execute<{ n: string }>(sql`select count(*) as n from ledger_accounts where kind <> 'external_stripe' and balance_cents < 0`)).rows;
    return { integrity: await checkLedgerIntegrity(db), negative: Number(negative!.n) };
  });
  expect(figures.integrity).toEqual({ totalCents: 0, driftedAccounts: [], unbalancedTransactions: [] });
  expect(figures.negative).toBe(0);
}

export const availableOf = async (who: { token: string }) => (await balanceOf(who)).available_balance;
