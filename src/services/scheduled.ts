import { openDb } from '../db/client';
import type { AppEnv } from '../env';
import { retryPendingStripeCalls } from './payments/pending-calls';

/** A scheduled job: safe to run again after a partial or repeated run. */
export type ScheduledJob = (handle: ReturnType<typeof openDb>, now: Date, env: AppEnv) => Promise<void>;

/** Jobs the Cron Trigger runs, in order. Later features append theirs. */
export const SCHEDULED_JOBS: { name: string; run: ScheduledJob }[] = [
  // Stripe calls that move money and have not succeeded yet (see services/payments/pending-calls.ts).
  { name: 'retry-pending-stripe-calls', run: retryPendingStripeCalls },
];

export async function runScheduledJobs(env: AppEnv, now: Date): Promise<void> {
  const handle = openDb(env);
  try {
    for (const job of SCHEDULED_JOBS) {
      const started = Date.now();
      try {
        await job.run(handle, now, env);
        console.log(JSON.stringify({ level: 'info', job: job.name, ms: Date.now() - started }));
      } catch (err) {
        // One failing job must not stop the others; the next run retries it.
        console.error(JSON.stringify({ level: 'error', job: job.name, message: String(err) }));
      }
    }
  } finally {
    await handle.close();
  }
}
