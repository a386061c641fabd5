/** Task fixtures: each helper makes its own accounts and tasks, so tests never share data. */
import { users } from '../../src/db/schema';
import { newId } from '../../src/lib/ids';
import { issueAccessToken } from '../../src/services/tokens';
import { env } from './api';
import { call } from './api';
import type { TestAccount, TestRole } from './accounts';
import { uniqueEmail } from './accounts';
import { withDb } from './db';
import { deliver, fake } from './stripe';

/** An ISO instant `days` from now (the API refuses deadlines in the past). */
export const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The seed's example body, with a deadline that is still ahead. */
export const seedTaskBody = (overrides: Record<string, unknown> = {}) => ({
  title: 'Call dentist to schedule appointment',
  description: 'Call Dr. Smith and book a cleaning next week, mornings only.',
  category: 'business_calls',
  location_type: 'remote',
  budget_amount: 15,
  budget_type: 'fixed',
  deadline: daysFromNow(365),
  ...overrides,
});

/**
 * An account without the register/login round trip: inserted directly and given a real access token, the same
 * one login issues. Password hashing dominates the suite's time otherwise; the auth tests cover that path.
 */
export async function quickAccount(role: TestRole | 'admin' = 'ai_client', options: { fullName?: string; verified?: boolean } = {}): Promise<TestAccount> {
  const id = newId('usr');
  const email = uniqueEmail(role);
  await withDb((db) =>
    db.insert(users).values({
      id,
      email,
      passwordHash: 'scrypt$unusable',
      fullName: options.fullName ?? (role === 'professional' ? 'Sarah Miller' : 'Test Agent'),
      role,
      verified: options.verified ?? false,
    }),
  );
  const { token } = await issueAccessToken(env, id, role);
  return { id, email, password: '', role, token };
}

export const quickVerifiedProfessional = (fullName = 'Sarah Miller') => quickAccount('professional', { fullName, verified: true });

export async function createTask(owner: TestAccount, overrides: Record<string, unknown> = {}) {
  const res = await call('/api/v1/tasks', { token: owner.token, body: seedTaskBody(overrides) });
  if (res.status !== 201) throw new Error(`create task failed: ${res.status} ${res.text}`);
  return res.body;
}

export interface Funded {
  checkoutId: string;
  sessionId: string;
  /** The checkout.session.completed event Stripe (the fake) sent; deliver it again to replay it. */
  event: any;
}

/** Opens a checkout for `taskId` as its owner; returns the API's answer and the Stripe session behind it. */
export async function openCheckout(owner: { token: string }, taskId: string, amountUsd: number) {
  const res = await call('/api/v1/payments/checkout', {
    token: owner.token,
    body: { task_id: taskId, amount: amountUsd, success_url: 'https://agent.example/funded', cancel_url: 'https://agent.example/canceled' },
  });
  if (res.status !== 201) throw new Error(`checkout failed: ${res.status} ${res.text}`);
  return { checkout: res.body, sessionId: sessionIdOf(res.body.checkout_url) };
}

/** The Stripe session behind a checkout_url: the fake's payment page is https://checkout.stripe.com/c/pay/<session id>, like Stripe's. */
export const sessionIdOf = (checkoutUrl: string) => new URL(checkoutUrl).pathname.split('/').pop()!;

/**
 * Pays an open checkout the way it happens in production, however it was opened (REST or the fund_task tool): the
 * payer pays on Stripe's page (the fake), and Stripe's signed checkout.session.completed reaches the webhook.
 */
export async function payCheckout(checkoutUrl: string): Promise<{ sessionId: string; event: any }> {
  const sessionId = sessionIdOf(checkoutUrl);
  const { event } = await fake(`/__pay/${sessionId}`, {});
  const delivered = await deliver(event);
  if (delivered.status !== 200) throw new Error(`webhook failed: ${delivered.status} ${delivered.text}`);
  return { sessionId, event };
}

/**
 * Funds a task the way it happens in production: the owner opens a checkout, the payer pays on Stripe's page (the
 * fake), and Stripe's signed checkout.session.completed reaches the webhook.
 */
export async function fundTask(owner: { token: string }, taskId: string, amountUsd: number): Promise<Funded> {
  const { checkout } = await openCheckout(owner, taskId, amountUsd);
  const { sessionId, event } = await payCheckout(checkout.checkout_url);
  return { checkoutId: checkout.id, sessionId, event };
}

/** A PaymentsContext for calling services directly; `settled()` waits for the Stripe work they left behind. */
export function testPayments() {
  const pending: Promise<unknown>[] = [];
  return {
    env,
    defer: (work: () => Promise<unknown>) => {
      pending.push(work());
    },
    settled: () => Promise.all(pending),
  };
}

export type Stage = 'open' | 'listed' | 'in_progress' | 'submitted' | 'completed' | 'canceled' | 'disputed';

/** A task brought to `stage` through the API, with the accounts involved. */
export async function taskAt(stage: Stage) {
  const owner = await quickAccount('ai_client');
  const pro = await quickVerifiedProfessional();
  const task = await createTask(owner);
  const act = async (path: string, who: TestAccount, body?: unknown) => {
    const res = await call(`/api/v1/tasks/${task.id}/${path}`, { method: 'POST', token: who.token, body });
    if (res.status !== 200) throw new Error(`${path} failed: ${res.status} ${res.text}`);
  };
  if (stage === 'canceled') await act('cancel', owner);
  if (stage !== 'open' && stage !== 'canceled') await fundTask(owner, task.id, 15);
  if (['in_progress', 'submitted', 'completed', 'disputed'].includes(stage)) await act('accept', pro);
  if (stage === 'submitted' || stage === 'completed') await act('submit', pro, { text: 'Appointment scheduled for Tuesday 9:30.' });
  if (stage === 'completed') await act('approve', owner);
  if (stage === 'disputed') await act('dispute', owner, { reason: 'No progress for a week.' });
  return { owner, pro, taskId: task.id as string };
}
