/** Payments fixtures: balances, professionals Stripe can pay, and waiting for the Stripe calls a move recorded. */
import { eq } from 'drizzle-orm';
import { pendingStripeCalls } from '../../src/db/schema';
import { call } from './api';
import type { TestAccount } from './accounts';
import { withDb } from './db';
import { deliver, fake } from './stripe';
import { quickVerifiedProfessional } from './tasks';

export interface Balance {
  available_balance: number;
  escrow_balance: number;
  pending_balance: number;
  currency: 'usd';
}

export async function balanceOf(who: { token: string }): Promise<Balance> {
  const res = await call('/api/v1/payments/balance', { token: who.token });
  if (res.status !== 200) throw new Error(`balance failed: ${res.status} ${res.text}`);
  return res.body;
}

/** POST to a task action as `who`, waiting for the Stripe calls it recorded; throws unless 200. */
export async function act(taskId: string, action: string, who: { token: string }, body?: unknown) {
  const res = await call(`/api/v1/tasks/${taskId}/${action}`, { method: 'POST', token: who.token, body, settle: true });
  if (res.status !== 200) throw new Error(`${action} failed: ${res.status} ${res.text}`);
  return res.body;
}

/**
 * A verified professional whose Stripe Express account has payouts enabled, the way it happens: they start
 * onboarding through the API, Stripe (the fake) enables payouts, and its account.updated reaches the webhook.
 */
export async function payableProfessional(fullName = 'Paula Payable'): Promise<TestAccount & { accountId: string }> {
  const pro = await quickVerifiedProfessional(fullName);
  const onboarding = await call('/api/v1/payments/connect', { method: 'POST', token: pro.token, body: {} });
  if (onboarding.status !== 200) throw new Error(`connect failed: ${onboarding.status} ${onboarding.text}`);
  const accountId = onboarding.body.account_id as string;
  const { event } = await fake(`/__accounts/${accountId}`, { payouts_enabled: true, details_submitted: true, charges_enabled: true });
  const res = await deliver(event, { settle: true });
  if (res.status !== 200) throw new Error(`account.updated failed: ${res.status} ${res.text}`);
  return { ...pro, accountId };
}

export const pendingCall = (key: string) =>
  withDb(async (db) => (await db.select().from(pendingStripeCalls).where(eq(pendingStripeCalls.idempotencyKey, key)))[0] ?? null);
