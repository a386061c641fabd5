/**
 * The Cron Trigger: overdue open tasks are canceled, unreviewed submitted tasks are approved, old idempotency
 * keys are purged. Tests backdate their own tasks rather than moving the clock, so the jobs leave other test
 * files' tasks alone.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';
import { taskEvents, tasks } from '../src/db/schema';
import { autoApproveDays, autoApproveSubmittedTasks, expireOverdueTasks } from '../src/services/tasks/scheduled-jobs';
import { call, env } from './support/api';
import { withDb } from './support/db';
import { createTask, daysFromNow, fundTask, quickAccount, taskAt, testPayments } from './support/tasks';

async function runCron(): Promise<void> {
  const controller = createScheduledController({ scheduledTime: new Date(), cron: '*/5 * * * *' });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

const backdate = (taskId: string, set: PgUpdateSetSource<typeof tasks>) =>
  withDb((db) => db.update(tasks).set(set).where(eq(tasks.id, taskId)));
const eventsOf = (taskId: string) => withDb((db) => db.select().from(taskEvents).where(eq(taskEvents.taskId, taskId)).orderBy(taskEvents.seq));
const statusOf = async (taskId: string) => (await withDb((db) => db.select({ s: tasks.status }).from(tasks).where(eq(tasks.id, taskId))))[0]!.s;

describe('deadline expiry', () => {
  it('the cron cancels an open task past its deadline, as the platform, once', async () => {
    const owner = await quickAccount();
    const overdue = await createTask(owner, { deadline: daysFromNow(1) });
    await fundTask(owner, overdue.id, 15);
    const upcoming = await createTask(owner, { deadline: daysFromNow(1) });
    const noDeadline = await createTask(owner, { deadline: null });
    await backdate(overdue.id, { deadline: sql`now() - interval '1 minute'` });

    await runCron();
    const read = await call(`/api/v1/tasks/${overdue.id}`, { token: owner.token });
    expect(read.body).toMatchObject({ status: 'canceled', canceled_at: expect.any(String) });
    expect(await statusOf(upcoming.id)).toBe('open');
    expect(await statusOf(noDeadline.id)).toBe('open');
    const expired = (await eventsOf(overdue.id)).at(-1)!;
    expect(expired).toMatchObject({ type: 'expired', fromStatus: 'open', toStatus: 'canceled', actorId: null });

    await runCron();
    expect((await eventsOf(overdue.id)).filter((e) => e.type === 'expired')).toHaveLength(1);
  });

  it('leaves a task past its deadline alone once it is in progress', async () => {
    const { taskId } = await taskAt('in_progress');
    await backdate(taskId, { deadline: sql`now() - interval '1 hour'` });
    await withDb((db) => expireOverdueTasks(db, new Date(), testPayments()));
    expect(await statusOf(taskId)).toBe('in_progress');
  });
});

describe('auto-approval', () => {
  it(`the cron approves a task submitted more than AUTO_APPROVE_DAYS (${env.AUTO_APPROVE_DAYS}) days ago, and only that one`, async () => {
    const stale = await taskAt('submitted');
    const recent = await taskAt('submitted');
    await backdate(stale.taskId, { submittedAt: sql`now() - interval '7 days 1 minute'` });
    await backdate(recent.taskId, { submittedAt: sql`now() - interval '6 days 23 hours'` });

    await runCron();
    const read = await call(`/api/v1/tasks/${stale.taskId}`, { token: stale.owner.token });
    expect(read.body).toMatchObject({ status: 'completed', completed_at: expect.any(String) });
    expect(await statusOf(recent.taskId)).toBe('submitted');
    expect((await eventsOf(stale.taskId)).at(-1)).toMatchObject({ type: 'auto_approved', fromStatus: 'submitted', toStatus: 'completed', actorId: null });
    const me = await call('/auth/me', { token: stale.pro.token });
    expect(me.body.professional.completed_tasks).toBe(1);

    await runCron();
    expect((await eventsOf(stale.taskId)).filter((e) => e.type === 'auto_approved')).toHaveLength(1);
  });

  it('reads AUTO_APPROVE_DAYS from the environment, defaulting to 7', async () => {
    expect(autoApproveDays({ AUTO_APPROVE_DAYS: '3' })).toBe(3);
    expect(autoApproveDays({ AUTO_APPROVE_DAYS: '' })).toBe(7);
    expect(autoApproveDays({ AUTO_APPROVE_DAYS: 'soon' })).toBe(7);
    const { taskId } = await taskAt('submitted');
    await backdate(taskId, { submittedAt: sql`now() - interval '4 days'` });
    await withDb((db) => autoApproveSubmittedTasks(db, new Date(), 7, testPayments()));
    expect(await statusOf(taskId)).toBe('submitted');
    await withDb((db) => autoApproveSubmittedTasks(db, new Date(), 3, testPayments()));
    expect(await statusOf(taskId)).toBe('completed');
  });

  it('two overlapping runs approve a task once', async () => {
    const { taskId } = await taskAt('submitted');
    await backdate(taskId, { submittedAt: sql`now() - interval '30 days'` });
    await Promise.all([
      withDb((db) => autoApproveSubmittedTasks(db, new Date(), 7, testPayments())),
      withDb((db) => autoApproveSubmittedTasks(db, new Date(), 7, testPayments())),
      runCron(),
    ]);
    expect(await statusOf(taskId)).toBe('completed');
    expect((await eventsOf(taskId)).filter((e) => e.toStatus === 'completed')).toHaveLength(1);
  });

  it('a task the client reviewed in time is not touched', async () => {
    const { owner, taskId } = await taskAt('submitted');
    await call(`/api/v1/tasks/${taskId}/request-revision`, { method: 'POST', token: owner.token, body: { reason: 'more detail' } });
    await backdate(taskId, { submittedAt: sql`now() - interval '30 days'` });
    await withDb((db) => autoApproveSubmittedTasks(db, new Date(), 7, testPayments()));
    expect(await statusOf(taskId)).toBe('in_progress');
  });
});
