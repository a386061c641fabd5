import { openDb } from '../db/client';
import { deleteExpiredCounters } from '../db/queries/rate-limits';
import type { AppEnv } from '../env';

/** A scheduled job: safe to run again after a partial or repeated run. */
export type ScheduledJob = (handle: ReturnType<typeof openDb>, now: Date) => Promise<void>;

/** Jobs the Cron Trigger runs, in order. Later features append theirs. */
export const SCHEDULED_JOBS: { name: string; run: ScheduledJob }[] = [
  // Counters of ended windows are never read again; without this the table grows with every login and address.
  {
    name: 'rate-limit-counters-cleanup',
    run: async ({ db }, now) => {
      await deleteExpiredCounters(db, now);
    },
  },
];

export async function runScheduledJobs(env: AppEnv, now: Date): Promise<void> {
  const handle = openDb(env);
  try {
    for (const job of SCHEDULED_JOBS) {
      const started = Date.now();
      try {
        await job.run(handle, now);
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
