/** Files uploaded to tasks: their metadata (the bytes are in R2, services/files/storage.ts). */
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { taskFiles, tasks } from '../schema';

export type TaskFileRow = typeof taskFiles.$inferSelect;
export type NewTaskFile = Omit<typeof taskFiles.$inferInsert, 'seq'>;

export async function insertTaskFile(tx: Tx, file: NewTaskFile): Promise<TaskFileRow> {
  const [row] = await tx.insert(taskFiles).values(file).returning();
  return row!;
}

export async function findTaskFile(db: Db | Tx, id: string): Promise<TaskFileRow | null> {
  const [row] = await db.select().from(taskFiles).where(eq(taskFiles.id, id)).limit(1);
  return row ?? null;
}

export async function countTaskFiles(db: Db | Tx, taskId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(taskFiles).where(eq(taskFiles.taskId, taskId));
  return row?.n ?? 0;
}

/** A page of a task's files, oldest first, and how many it has. */
export async function listTaskFiles(db: Db, taskId: string, limit: number, offset: number): Promise<{ rows: TaskFileRow[]; total: number }> {
  const rows = await db.select().from(taskFiles).where(eq(taskFiles.taskId, taskId)).orderBy(asc(taskFiles.seq)).limit(limit).offset(offset);
  return { rows, total: await countTaskFiles(db, taskId) };
}

/** The files among `ids` that belong to this task and were uploaded by this account: what an attachment may name. */
export async function findOwnTaskFiles(tx: Db | Tx, taskId: string, uploadedBy: string, ids: string[]): Promise<TaskFileRow[]> {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(taskFiles)
    .where(and(eq(taskFiles.taskId, taskId), eq(taskFiles.uploadedBy, uploadedBy), inArray(taskFiles.id, ids)));
}

/**
 * The task read FOR SHARE, so no transition (approve, cancel) commits while a file is being recorded against it, and
 * the task's upload lock (a transaction-scoped advisory lock), so two uploads cannot both count 99 files and make 101.
 * Messages and transitions never take the upload lock: only uploads wait for each other.
 */
export async function lockTaskForFile(tx: Tx, taskId: string) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`task_files:${taskId}`}, 0))`);
  const [row] = await tx.select().from(tasks).where(eq(tasks.id, taskId)).for('share').limit(1);
  return row ?? null;
}
