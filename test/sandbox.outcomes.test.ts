/**
 * Each sandbox outcome (metadata.sandbox_outcome) from create to its end state, with a test key and no human action
 * on the professional's side; no live money is touched; the events reach a webhook endpoint made with the test key,
 * as in live mode, and `wait` wakes on the sandbox professional's moves and messages.
 */
import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import { withDb } from './support/db';
import { expectNoLiveMoney, fundedTestTask, historyOf, readTask, SANDBOX_PRO, sandboxAgent, taskWhen } from './support/sandbox';
import { testPayments } from './support/tasks';
import { createEndpoint, parsed, receivedAt, receiverPath, waitForRequests } from './support/webhooks';
import { expireOverdueTasks } from '../src/services/tasks/scheduled-jobs';
import { WEBHOOK_EVENT_TYPES } from '../src/services/webhooks/event-types';

const secondsFromNow = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('sandbox outcomes', () => {
  it('complete (the default): funded at once, accepted, submitted with text, data and an attachment; the owner approves', async () => {
    const agent = await sandboxAgent();
    const hook = receiverPath();
    const endpoint = await createEndpoint({ ...agent, token: agent.testKey }, hook.url, [...WEBHOOK_EVENT_TYPES]);
    expect(endpoint).toMatchObject({ livemode: false });
    const liveHook = receiverPath();
    await createEndpoint(agent, liveHook.url, [...WEBHOOK_EVENT_TYPES]);

    const created = await call('/api/v1/tasks', {
      token: agent.testKey,
      body: { title: 'Call the dentist', description: 'Book a cleaning.', category: 'business_calls', location_type: 'remote', budget_amount: 15, budget_type: 'fixed' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ livemode: false, metadata: {}, funding: { status: 'unfunded' } });
    // Waiting before the money is in: the wait is woken by the sandbox professional's submission.
    const waited = call(`/api/v1/tasks/${created.body.id}/wait?until=submitted&timeout=25`, { token: agent.testKey });
    const checkout = await call('/api/v1/payments/checkout', {
      token: agent.testKey,
      body: { task_id: created.body.id, amount: 15, success_url: 'https://agent.example/ok', cancel_url: 'https://agent.example/no' },
    });
    expect(checkout.status).toBe(201);
    expect(checkout.body).toMatchObject({ livemode: false, status: 'pending' });
    const woken = await waited;
    expect(woken.status).toBe(200);
    expect(woken.headers.get('X-Wait-Timed-Out')).toBe('false');
    expect(woken.headers.get('X-Wait-Reason')).toBe('status');
    expect(woken.body).toMatchObject({ status: 'submitted', funding: { status: 'funded', escrow_amount: 15 }, professional: { id: SANDBOX_PRO } });
    const [delivery] = woken.body.deliverables;
    expect(delivery.text).toMatch(/simulated/);
    expect(delivery.data).toMatchObject({ sandbox: true, outcome: 'complete', task_id: created.body.id });
    expect(delivery.attachments).toHaveLength(1);

    const approved = await call(`/api/v1/tasks/${created.body.id}/approve`, { token: agent.testKey, body: { rating: 5 } });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'completed', funding: { status: 'released', escrow_amount: 0 } });
    expect(await historyOf(agent.testKey, created.body.id)).toEqual(['created', 'accepted', 'submitted', 'approved']);
    // The test checkout was paid and is shown in the test mode only.
    expect((await call(`/api/v1/payments/checkout/${checkout.body.id}`, { token: agent.testKey })).body.status).toBe('paid');

    const events = (await waitForRequests(hook.path, 4)).map((r) => parsed(r));
    expect(events.map((e) => e.type)).toEqual(['task.funded', 'task.accepted', 'task.submitted', 'task.completed']);
    expect(events.every((e) => e.data.task.livemode === false)).toBe(true);
    expect(await receivedAt(liveHook.path)).toEqual([]);
    await expectNoLiveMoney(agent, [created.body.id]);
  });

  it('clarify: the professional asks through a task message, the wait wakes on it, and it submits once the owner answers', async () => {
    const agent = await sandboxAgent();
    const { task } = await fundedTestTask(agent, 'clarify');
    const asked = await call(`/api/v1/tasks/${task.id}/wait?until=submitted&timeout=25`, { token: agent.testKey });
    expect(asked.headers.get('X-Wait-Reason')).toBe('message');
    expect(asked.body.status).toBe('in_progress');
    const thread = await call(`/api/v1/tasks/${task.id}/messages`, { token: agent.testKey });
    expect(thread.body.data).toHaveLength(1);
    expect(thread.body.data[0]).toMatchObject({ professional_id: SANDBOX_PRO, author: { id: SANDBOX_PRO, role: 'professional' } });

    const answer = await call(`/api/v1/tasks/${task.id}/messages`, { token: agent.testKey, body: { text: 'Mornings only, please.' } });
    expect(answer.status).toBe(201);
    const done = await taskWhen(agent.testKey, task.id, (t) => t.status === 'submitted');
    expect(done.deliverables[0].data).toMatchObject({ outcome: 'clarify', owner_answer: 'Mornings only, please.' });
    expect(await historyOf(agent.testKey, task.id)).toEqual(['created', 'accepted', 'submitted']);
    await expectNoLiveMoney(agent, [task.id]);
  });

  it('dispute: the professional submits, then opens a dispute; the escrow stays held', async () => {
    const agent = await sandboxAgent();
    const { task } = await fundedTestTask(agent, 'dispute');
    const disputed = await taskWhen(agent.testKey, task.id, (t) => t.status === 'disputed');
    expect(disputed.funding).toEqual({ status: 'funded', escrow_amount: 15 });
    expect(disputed.deliverables).toHaveLength(1);
    expect(await historyOf(agent.testKey, task.id)).toEqual(['created', 'accepted', 'submitted', 'disputed']);
    await expectNoLiveMoney(agent, [task.id]);
  });

  it('miss_deadline: accepted, never submitted; past the deadline the scheduled jobs leave it in_progress, and the owner disputes', async () => {
    const agent = await sandboxAgent();
    const { task } = await fundedTestTask(agent, 'miss_deadline', { deadline: secondsFromNow(3) });
    await taskWhen(agent.testKey, task.id, (t) => t.status === 'in_progress');
    await sleep(3500);
    await withDb((db) => expireOverdueTasks(db, new Date(), testPayments()));
    const late = await readTask(agent.testKey, task.id);
    expect(late).toMatchObject({ status: 'in_progress', deliverables: [], professional: { id: SANDBOX_PRO } });
    const disputed = await call(`/api/v1/tasks/${task.id}/dispute`, { token: agent.testKey, body: { reason: 'Missed the deadline.' } });
    expect(disputed.status).toBe(200);
    expect(await historyOf(agent.testKey, task.id)).toEqual(['created', 'accepted', 'disputed']);
    await expectNoLiveMoney(agent, [task.id]);
  });

  it('no_show: never accepted; at its deadline the task expires and the test escrow is refunded through local payments', async () => {
    const agent = await sandboxAgent();
    const { task } = await fundedTestTask(agent, 'no_show', { deadline: secondsFromNow(3) });
    const funded = await taskWhen(agent.testKey, task.id, (t) => t.funding.status === 'funded');
    expect(funded).toMatchObject({ status: 'open', professional: null });
    await sleep(3500);
    const payments = testPayments();
    expect(await withDb((db) => expireOverdueTasks(db, new Date(), payments))).toBeGreaterThanOrEqual(1);
    await payments.settled();
    const expired = await readTask(agent.testKey, task.id);
    expect(expired).toMatchObject({ status: 'canceled', funding: { status: 'refunded', escrow_amount: 0 } });
    expect(await historyOf(agent.testKey, task.id)).toEqual(['created', 'expired']);
    const balance = await call('/api/v1/payments/balance', { token: agent.testKey });
    expect(balance.body).toMatchObject({ escrow_balance: 0, pending_balance: 0 });
    await expectNoLiveMoney(agent, [task.id]);
  });

  it('refuses an unknown sandbox_outcome on a test task, by name', async () => {
    const agent = await sandboxAgent();
    const res = await call('/api/v1/tasks', {
      token: agent.testKey,
      body: { title: 'x', description: 'y', category: 'business_calls', location_type: 'remote', budget_amount: 15, budget_type: 'fixed', metadata: { sandbox_outcome: 'explode' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('metadata.sandbox_outcome');
  });
});
