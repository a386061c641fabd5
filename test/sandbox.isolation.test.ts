/**
 * Modes do not see each other: a live caller (access token or live key) never sees a test task or anything hanging off
 * it, and a test key never sees live ones. Also the key format, the mode of each object, and the cron's backstop.
 */
import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import { withDb } from './support/db';
import { keyOf, fundedTestTask, SANDBOX_PRO, sandboxAgent, taskWhen } from './support/sandbox';
import { createTask, fundTask, quickVerifiedProfessional } from './support/tasks';
import { createEndpoint, receiverPath } from './support/webhooks';
import { insertTask } from '../src/db/queries/tasks';
import { newId } from '../src/lib/ids';
import { env } from './support/api';
import { advanceSandboxTasks } from '../src/services/sandbox/professional';
import { escrowAccount } from '../src/services/ledger';
import { findAccounts } from '../src/db/queries/ledger';
import { SANDBOX_OUTCOME_BEHAVIOR, SANDBOX_OUTCOMES } from '../src/services/sandbox/outcomes';

const TEST_KEY = /^ghh_test_[0-9A-Za-z]{40}$/;

describe('test keys', () => {
  it('are ghh_test_ + 40 characters, livemode false, listed with their prefix; live keys keep ghh_ + 40', async () => {
    const agent = await sandboxAgent();
    expect(agent.testKey).toMatch(TEST_KEY);
    const live = await keyOf(agent, 'live');
    expect(live).toMatch(/^ghh_[0-9A-Za-z]{40}$/);
    const list = await call('/api/v1/api-keys', { token: agent.token });
    const modes = Object.fromEntries(list.body.data.map((k: { prefix: string; livemode: boolean }) => [k.prefix, k.livemode]));
    expect(modes).toEqual({ [agent.testKey.slice(0, 17)]: false, [live.slice(0, 12)]: true });
    // A test key authenticates like any key; a malformed one is refused before the database.
    expect((await call('/auth/me', { token: agent.testKey })).status).toBe(200);
    expect((await call('/auth/me', { token: `ghh_test_${'A'.repeat(39)}` })).status).toBe(401);
    expect((await call('/api/v1/api-keys', { token: agent.token, body: { name: 'x', mode: 'sandbox' } })).status).toBe(400);
  });
});

describe('the sandbox in /llms.txt', () => {
  it('explains test keys, funding and every outcome the sandbox professional knows', async () => {
    const text = (await call('/llms.txt')).text;
    for (const phrase of ['## Sandbox', '"mode": "test"', 'ghh_test_', '"livemode": false', 'sandbox_outcome']) expect(text, phrase).toContain(phrase);
    for (const [outcome, behavior] of Object.entries(SANDBOX_OUTCOME_BEHAVIOR)) expect(text).toContain(`- ${outcome}: ${behavior}.`);
    expect(Object.keys(SANDBOX_OUTCOME_BEHAVIOR)).toEqual([...SANDBOX_OUTCOMES]);
  });
});

describe('a live caller and a test key', () => {
  it('never see each other\'s tasks, messages, events, checkouts, deliveries or endpoints', async () => {
    const agent = await sandboxAgent();
    const liveKey = await keyOf(agent, 'live');
    const { task, checkout } = await fundedTestTask(agent, 'clarify');
    await taskWhen(agent.testKey, task.id, (t) => t.status === 'in_progress');
    const liveTask = await createTask(agent);

    for (const live of [agent.token, liveKey]) {
      for (const path of [`/api/v1/tasks/${task.id}`, `/api/v1/tasks/${task.id}/events`, `/api/v1/tasks/${task.id}/messages`, `/api/v1/tasks/${task.id}/wait?timeout=1`, `/api/v1/tasks/${task.id}/webhook-deliveries`, `/api/v1/payments/checkout/${checkout.id}`]) {
        expect((await call(path, { token: live })).status, path).toBe(404);
      }
      expect((await call(`/api/v1/tasks/${task.id}/messages`, { token: live, body: { text: 'hello?' } })).status).toBe(404);
      expect((await call(`/api/v1/tasks/${task.id}/cancel`, { token: live, body: {} })).status).toBe(404);
      const mine = await call('/api/v1/tasks?limit=100', { token: live });
      expect(mine.body.data.map((t: { id: string }) => t.id)).toEqual([liveTask.id]);
    }
    // And the other way round.
    expect((await call(`/api/v1/tasks/${liveTask.id}`, { token: agent.testKey })).status).toBe(404);
    const tests = await call('/api/v1/tasks?limit=100', { token: agent.testKey });
    expect(tests.body.data.map((t: { id: string }) => t.id)).toEqual([task.id]);
    expect(tests.body.total).toBe(1);
    // A live task's cursor is not a position in the test list.
    expect((await call(`/api/v1/tasks?starting_after=${liveTask.id}`, { token: agent.testKey })).status).toBe(400);

    const testHook = await createEndpoint({ ...agent, token: agent.testKey }, receiverPath().url, ['task.submitted']);
    const liveHook = await createEndpoint(agent, receiverPath().url, ['task.submitted']);
    const listed = async (token: string) => (await call('/api/v1/webhook-endpoints', { token })).body.data.map((e: { id: string }) => e.id);
    expect(await listed(agent.testKey)).toEqual([testHook.id]);
    expect(await listed(agent.token)).toEqual([liveHook.id]);
    expect((await call(`/api/v1/webhook-endpoints/${testHook.id}`, { token: agent.token })).status).toBe(404);
    expect((await call(`/api/v1/webhook-endpoints/${liveHook.id}`, { token: agent.testKey })).status).toBe(404);
  });

  it('keeps test tasks off the live marketplace and away from live professionals; a professional\'s test key cannot take one', async () => {
    const agent = await sandboxAgent();
    const pro = await quickVerifiedProfessional();
    const proTestKey = await keyOf(pro, 'test');
    // A test task that is funded but not yet taken: the row as the sandbox professional would find it (no_show).
    const { task } = await fundedTestTask(agent, 'no_show');
    await taskWhen(agent.testKey, task.id, (t) => t.funding.status === 'funded');
    const live = await call('/api/v1/marketplace/tasks?limit=100', { token: pro.token });
    expect(live.body.data.map((t: { id: string }) => t.id)).not.toContain(task.id);
    expect((await call(`/api/v1/tasks/${task.id}`, { token: pro.token })).status).toBe(404);
    expect((await call(`/api/v1/tasks/${task.id}/accept`, { token: pro.token, body: {} })).status).toBe(404);
    const sandboxMarket = await call('/api/v1/marketplace/tasks?limit=100', { token: proTestKey });
    expect(sandboxMarket.body.data.every((t: { livemode: boolean }) => t.livemode === false)).toBe(true);
    expect(sandboxMarket.body.data.map((t: { id: string }) => t.id)).toContain(task.id);
    const taken = await call(`/api/v1/tasks/${task.id}/accept`, { token: proTestKey, body: {} });
    expect(taken.status).toBe(403);
    // A live task is not on the test marketplace.
    const liveTask = await createTask(agent);
    await fundTask(agent, liveTask.id, 15);
    const again = await call('/api/v1/marketplace/tasks?limit=100', { token: proTestKey });
    expect(again.body.data.map((t: { id: string }) => t.id)).not.toContain(liveTask.id);
    expect((await call(`/api/v1/tasks/${liveTask.id}/accept`, { token: proTestKey, body: {} })).status).toBe(404);
  });

  it('read their own money: test balances and lines for the test key, live ones for the live caller; payouts refuse test keys', async () => {
    const agent = await sandboxAgent();
    const { task } = await fundedTestTask(agent, 'dispute');
    await taskWhen(agent.testKey, task.id, (t) => t.status === 'disputed');
    const testBalance = await call('/api/v1/payments/balance', { token: agent.testKey });
    expect(testBalance.body).toMatchObject({ escrow_balance: 15, available_balance: 0 });
    const liveBalance = await call('/api/v1/payments/balance', { token: agent.token });
    expect(liveBalance.body).toMatchObject({ escrow_balance: 0, available_balance: 0 });
    const testLines = await call('/api/v1/payments/transactions', { token: agent.testKey });
    expect(testLines.body.data.map((l: { task_id: string }) => l.task_id)).toEqual([task.id]);
    expect((await call('/api/v1/payments/transactions', { token: agent.token })).body.data).toEqual([]);
    // The money is in the task's test escrow account; the live one was never made.
    const [held, live] = await withDb((db) => findAccounts(db, [escrowAccount(task.id, agent.id, false).id, escrowAccount(task.id, agent.id).id]).then((rows) => [rows.find((r) => !r.livemode), rows.find((r) => r.livemode)]));
    expect(held).toMatchObject({ id: `test:escrow:${task.id}`, balanceCents: 1500, livemode: false });
    expect(live).toBeUndefined();

    const pro = await quickVerifiedProfessional();
    const payout = await call('/api/v1/payments/payouts', { token: await keyOf(pro, 'test'), body: {} });
    expect(payout.status).toBe(403);
  });

  it('keep Idempotency-Keys apart: one key used in both modes acts once in each', async () => {
    const agent = await sandboxAgent();
    const body = { title: 'Same key', description: 'Twice.', category: 'business_calls', location_type: 'remote', budget_amount: 15, budget_type: 'fixed' };
    const headers = { 'Idempotency-Key': 'same-key-both-modes' };
    const test = await call('/api/v1/tasks', { token: agent.testKey, body, headers });
    const live = await call('/api/v1/tasks', { token: agent.token, body, headers });
    expect([test.status, live.status]).toEqual([201, 201]);
    expect(test.body.id).not.toBe(live.body.id);
    expect([test.body.livemode, live.body.livemode]).toEqual([false, true]);
    expect(live.headers.get('Idempotent-Replayed')).toBeNull();
  });
});

describe('the cron backstop', () => {
  it('takes the step of a funded test task no wake-up reached, and never touches a live task', async () => {
    const agent = await sandboxAgent();
    // Funded test and live rows written straight to the database: no funding, hence no wake-up, ever happened.
    const ids = { test: newId('task'), live: newId('task') };
    await withDb(async (db) => {
      for (const [mode, id] of Object.entries(ids)) {
        await insertTask(db, {
          id,
          clientId: agent.id,
          title: `${mode} row`,
          description: 'Funded out of band.',
          category: 'research_analysis',
          locationType: 'remote',
          budgetCents: 1500,
          budgetType: 'fixed',
          fundingStatus: 'funded',
          livemode: mode === 'live',
        });
      }
    });
    expect(await withDb((db) => advanceSandboxTasks(db, env))).toBeGreaterThanOrEqual(1);
    const test = await taskWhen(agent.testKey, ids.test, (t) => t.status === 'submitted');
    expect(test.professional.id).toBe(SANDBOX_PRO);
    expect((await call(`/api/v1/tasks/${ids.live}`, { token: agent.token })).body).toMatchObject({ status: 'open', professional: null });
  });
});
