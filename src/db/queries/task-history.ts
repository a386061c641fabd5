/** Rows written alongside transitions: history events, submissions, reviews. */
import { asc, count, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { reviews, submissions, taskEvents, users } from '../schema';

export type TaskEventRow = typeof taskEvents.$inferSelect;
export type NewTaskEvent = Omit<typeof taskEvents.$inferInsert, 'seq'>;
export type NewSubmission = typeof submissions.$inferInsert;
export type NewReview = typeof reviews.$inferInsert;

export async function insertTaskEvent(db: Db | Tx, event: NewTaskEvent): Promise<void> {
  await db.insert(taskEvents).values(event);
}

export async function listTaskEvents(
  db: Db,
  args: { taskId: string; limit: number; offset: number },
): Promise<{ events: TaskEventRow[]; total: number }> {
  const where = eq(taskEvents.taskId, args.taskId);
  const [events, [counted]] = await Promise.all([
    db.select().from(taskEvents).where(where).orderBy(asc(taskEvents.seq)).limit(args.limit).offset(args.offset),
    db.select({ total: count() }).from(taskEvents).where(where),
  ]);
  return { events, total: counted?.total ?? 0 };
}

export async function insertSubmission(tx: Tx, submission: NewSubmission): Promise<void> {
  await tx.insert(submissions).values(submission);
}

/** A review and the professional's running rating move together (same transaction as the approval). */
export async function insertReview(tx: Tx, review: NewReview): Promise<void> {
  await tx.insert(reviews).values(review);
  await tx
    .update(users)
    .set({ ratingSum: sql`${users.ratingSum} + ${review.rating}`, ratingCount: sql`${users.ratingCount} + 1`, updatedAt: sql`now()` })
    .where(eq(users.id, review.professionalId));
}
