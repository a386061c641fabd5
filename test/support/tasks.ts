/** Task fixtures: each helper makes its own accounts and tasks, so tests never share data. */
import { eq } from 'drizzle-orm';
import { tasks, users } from '../../src/db/schema';
import { newId } from '../../src/lib/ids';
import { toCents } from '../../src/lib/money';
import { issueAccessToken } from '../../src/services/tokens';
import { env } from './api';
import { call } from './api';
import type { TestAccount, TestRole } from './accounts';
import { uniqueEmail } from './accounts';
import { withDb } from './db';

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
  const { token } = await issueAccessToken(env, id);
  return { id, email, password: '', role, token };
}

export const quickVerifiedProfessional = (fullName = 'Sarah Miller') => quickAccount('professional', { fullName, verified: true });

export async function createTask(owner: TestAccount, overrides: Record<string, unknown> = {}) {
  const res = await call('/api/v1/tasks', { token: owner.token, body: seedTaskBody(overrides) });
  if (res.status !== 201) throw new Error(`create task failed: ${res.status} ${res.text}`);
  return res.body;
}

/**
 * Funding stand-in until the payments issue: marks the task funded with `amountUsd` in escrow, straight in the
 * database, the way the Stripe webhook will.
 */
export async function fundTaskDirectly(taskId: string, amountUsd: number): Promise<void> {
  await withDb((db) => db.update(tasks).set({ fundingStatus: 'funded', escrowCents: toCents(amountUsd) }).where(eq(tasks.id, taskId)));
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
  if (stage !== 'open' && stage !== 'canceled') await fundTaskDirectly(task.id, 15);
  if (['in_progress', 'submitted', 'completed', 'disputed'].includes(stage)) await act('accept', pro);
  if (stage === 'submitted' || stage === 'completed') await act('submit', pro, { text: 'Appointment scheduled for Tuesday 9:30.' });
  if (stage === 'completed') await act('approve', owner);
  if (stage === 'disputed') await act('dispute', owner, { reason: 'No progress for a week.' });
  return { owner, pro, taskId: task.id as string };
}
