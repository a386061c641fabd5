import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { taskMessages, tasks } from '../schema';

/** One thread's messages, oldest first: who wrote each and what (the sandbox reads its own thread with the owner). */
export async function listThreadMessages(db: Db, taskId: string, professionalId: string): Promise<{ authorId: string; text: string }[]> {
  return db
    .select({ authorId: taskMessages.authorId, text: taskMessages.text })
    .from(taskMessages)
    .where(and(eq(taskMessages.taskId, taskId), eq(taskMessages.threadProfessionalId, professionalId)))
    .orderBy(asc(taskMessages.seq));
}

/**
 * Test tasks that may be waiting for a step of the sandbox professional, oldest first: funded and unassigned, or
 * its own and still being worked. Those whose outcome never has a next step from here (miss_deadline once accepted,
 * any outcome but dispute once submitted) are left out, so the cron does not read them again and again.
 */
export async function findSandboxTaskIds(db: Db, professionalId: string, limit: number): Promise<string[]> {
  const outcome = sql`${tasks.metadata}->>'sandbox_outcome'`;
  const rows = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(
      and(
        // Spelled as tasks_sandbox_active_idx's predicate (constants in the SQL text), so the planner can use it.
        sql`${tasks.livemode} = false and ${tasks.status} in ('open', 'in_progress', 'submitted')`,
        or(
          and(eq(tasks.status, 'open'), eq(tasks.fundingStatus, 'funded'), isNull(tasks.professionalId)),
          and(eq(tasks.professionalId, professionalId), eq(tasks.status, 'in_progress'), sql`${outcome} is distinct from 'miss_deadline'`),
          and(eq(tasks.professionalId, professionalId), eq(tasks.status, 'submitted'), sql`${outcome} = 'dispute'`),
        ),
      ),
    )
    .orderBy(asc(tasks.createdAt))
    .limit(limit);
  return rows.map((r) => r.id);
}
