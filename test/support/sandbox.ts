/** The sandbox from an agent's side: a test API key, test tasks, and checks that no live money moved. */
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { call } from './api';
import type { TestAccount } from './accounts';
import { withDb } from './db';
import { quickAccount, seedTaskBody } from './tasks';
import { eventually } from './webhooks';

export const SANDBOX_PRO = 'usr_sandbox';

export interface SandboxAgent extends TestAccount {
  /** A test key (ghh_test_...) of the account; `token` stays its live access token. */
  testKey: string;
}

export async function keyOf(owner: { token: string }, mode: 'live' | 'test'): Promise<string> {
  const res = await call('/api/v1/api-keys', { token: owner.token, body: { name: `${mode} key`, mode } });
  if (res.status !== 201) throw new Error(`api key failed: ${res.status} ${res.text}`);
  return res.body.key;
}

export async function sandboxAgent(): Promise<SandboxAgent> {
  const agent = await quickAccount('ai_client');
  return { ...agent, testKey: await keyOf(agent, 'test') };
}

/** Posts a test task with the given outcome (none: the default) and opens its checkout, which the sandbox pays. */
export async function fundedTestTask(agent: SandboxAgent, outcome?: string, overrides: Record<string, unknown> = {}) {
  const body = seedTaskBody({ ...(outcome ? { metadata: { sandbox_outcome: outcome } } : {}), ...overrides });
  const created = await call('/api/v1/tasks', { token: agent.testKey, body });
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  const checkout = await call('/api/v1/payments/checkout', {
    token: agent.testKey,
    body: { task_id: created.body.id, amount: created.body.budget_amount, success_url: 'https://agent.example/ok', cancel_url: 'https://agent.example/no' },
  });
  if (checkout.status !== 201) throw new Error(`checkout failed: ${checkout.status} ${checkout.text}`);
  return { task: created.body, checkout: checkout.body };
}

export const readTask = async (token: string, id: string) => (await call(`/api/v1/tasks/${id}`, { token })).body;

/** Polls the task (read with `token`) until `done` holds. */
export const taskWhen = (token: string, id: string, done: (task: any) => boolean, timeoutMs = 20_000) =>
  eventually(() => readTask(token, id), done, timeoutMs);

/** The task's history event types, oldest first. */
export async function historyOf(token: string, id: string): Promise<string[]> {
  const res = await call(`/api/v1/tasks/${id}/events?limit=100`, { token });
  return res.body.data.map((e: { type: string }) => e.type);
}

/**
 * No live money moved for these tasks: every ledger entry of their transactions is on a test account, none of their
 * Stripe calls is live, and the agent's and the sandbox professional's live balances hold nothing.
 */
export async function expectNoLiveMoney(agent: SandboxAgent, taskIds: string[]) {
  const ids = sql.join(taskIds.map((id) => sql`${id}`), sql`, `);
  const rows = await withDb(async (db) => {
    const entries = await db.execute<{ live: string; test: string }>(sql`
      select count(*) filter (where a.livemode) as live, count(*) filter (where not a.livemode) as test
      from ledger_entries e join ledger_transactions t on t.id = e.transaction_id join ledger_accounts a on a.id = e.account_id
      where t.task_id in (${ids}) or a.task_id in (${ids})`);
    const calls = await db.execute<{ n: string }>(sql`select count(*) as n from pending_stripe_calls where task_id in (${ids}) and livemode`);
    const pro = await db.execute<{ n: string }>(sql`
      select count(*) as n from ledger_entries e join ledger_accounts a on a.id = e.account_id where a.user_id = ${SANDBOX_PRO} and a.livemode`);
    return { entries: entries.rows[0]!, calls: Number(calls.rows[0]!.n), pro: Number(pro.rows[0]!.n) };
  });
  expect(Number(rows.entries.live)).toBe(0);
  expect(Number(rows.entries.test)).toBeGreaterThan(0);
  expect(rows.calls).toBe(0);
  expect(rows.pro).toBe(0);
  // The agent's live balances (read with its access token, a live caller) are untouched.
  const live = await call('/api/v1/payments/balance', { token: agent.token });
  expect(live.body).toMatchObject({ available_balance: 0, escrow_balance: 0, pending_balance: 0 });
}
