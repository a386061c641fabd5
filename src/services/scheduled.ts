import { openDb } from '../db/client';
import { deleteExpiredCounters } from '../db/queries/rate-limits';
import type { AppEnv } from '../env';
import { purgeExpiredKeys } from './idempotency';
import type { PaymentsContext } from './payments/after-commit';
import { retryPendingStripeCalls } from './payments/pending-calls';
import { autoApproveDays, autoApproveSubmittedTasks, expireOverdueTasks } from './tasks/scheduled-jobs';
import { advanceSandboxTasks } from './sandbox/professional';
import { requeueStuckDeliveries } from './webhooks/delivery';

/**
 * A scheduled job: safe to run again after a partial or repeated run. May return how many rows it handled.
 * `payments.defer` work (Stripe calls a job's moves recorded) is awaited before the run ends.
 */
export type ScheduledJob = (handle: ReturnType<typeof openDb>, now: Date, env: AppEnv, payments: PaymentsContext) => Promise<void | number>;

/** Jobs the Cron Trigger runs, in order. Later features append theirs. */
export const SCHEDULED_JOBS: { name: string; run: ScheduledJob }[] = [
  { name: 'expire-overdue-tasks', run: ({ db }, now, _env, payments) => expireOverdueTasks(db, now, payments) },
  {
    name: 'auto-approve-submitted-tasks',
    run: ({ db }, now, env, payments) => autoApproveSubmittedTasks(db, now, autoApproveDays(env), payments),
  },
  { name: 'purge-idempotency-keys', run: ({ db }, now) => purgeExpiredKeys(db, now) },
  // Stripe calls that move money and have not succeeded yet (the task jobs' own calls are made right after each move).
  { name: 'retry-pending-stripe-calls', run: ({ db }, now, env) => retryPendingStripeCalls(db, now, env) },
  // Counters of ended windows are never read again; without this the table grows with every login and address.
  {
    name: 'rate-limit-counters-cleanup',
    run: async ({ db }, now) => {
      await deleteExpiredCounters(db, now);
    },
  },
  // Test tasks whose sandbox step was never woken (docs/sandbox.md); each step is normally taken right after the last.
  { name: 'advance-sandbox-tasks', run: ({ db }, _now, env) => advanceSandboxTasks(db, env) },
  // Webhook deliveries whose queue message was never sent or got lost: the outbox's guarantee against losing one.
  { name: 'requeue-webhook-deliveries', run: ({ db }, _now, env) => requeueStuckDeliveries(db, env) },
];

export async function runScheduledJobs(env: AppEnv, now: Date): Promise<void> {
  const handle = openDb(env);
  const deferred: Promise<unknown>[] = [];
  const payments: PaymentsContext = { env, defer: (work) => deferred.push(work()) };
  try {
    for (const job of SCHEDULED_JOBS) {
      const started = Date.now();
      try {
        const handled = await job.run(handle, now, env, payments);
        console.log(JSON.stringify({ level: 'info', job: job.name, ms: Date.now() - started, handled: handled ?? null }));
      } catch (err) {
        // One failing job must not stop the others; the next run retries it.
        console.error(JSON.stringify({ level: 'error', job: job.name, message: String(err) }));
      }
    }
    await Promise.allSettled(deferred);
  } finally {
    await handle.close();
  }
}
