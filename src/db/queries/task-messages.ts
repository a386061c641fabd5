/** Messages about a task, read and written one thread (or all of a task's threads) at a time. */
import { and, asc, count, eq, gt, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { taskMessages, tasks, users } from '../schema';
import type { TaskStatus } from './tasks';

export type TaskMessageRow = typeof taskMessages.$inferSelect;
export type NewTaskMessage = Omit<typeof taskMessages.$inferInsert, 'seq'>;

/** A message with what its public object shows about its author. */
export interface TaskMessageView {
  message: TaskMessageRow;
  author: { id: string; fullName: string; role: 'ai_client' | 'client' | 'professional' | 'admin' };
}

/** Which messages of a task a read covers: one professional's thread, or (null) every thread. */
export interface MessageScope {
  taskId: string;
  thread: string | null;
}

const scopeWhere = (scope: MessageScope): SQL | undefined =>
  and(eq(taskMessages.taskId, scope.taskId), scope.thread === null ? undefined : eq(taskMessages.threadProfessionalId, scope.thread));

const viewColumns = {
  message: taskMessages,
  author: { id: users.id, fullName: users.fullName, role: users.role },
};

export async function insertTaskMessage(tx: Tx, message: NewTaskMessage): Promise<TaskMessageView> {
  const [row] = await tx.insert(taskMessages).values(message).returning();
  const [author] = await tx.select(viewColumns.author).from(users).where(eq(users.id, message.authorId));
  return { message: row!, author: author! };
}

/** The professionals who have a thread on this task, in the order their threads began. */
export async function listThreadProfessionals(db: Db | Tx, taskId: string): Promise<string[]> {
  const rows = await db
    .select({ id: taskMessages.threadProfessionalId, first: sql<number>`min(${taskMessages.seq})` })
    .from(taskMessages)
    .where(eq(taskMessages.taskId, taskId))
    .groupBy(taskMessages.threadProfessionalId)
    .orderBy(sql`min(${taskMessages.seq})`);
  return rows.map((r) => r.id);
}

export async function countThreadMessages(tx: Tx, taskId: string, thread: string): Promise<number> {
  const [row] = await tx.select({ n: count() }).from(taskMessages).where(scopeWhere({ taskId, thread }));
  return row?.n ?? 0;
}

/**
 * The task's status, read under FOR SHARE: a message is written while no transition can commit, so none lands in a
 * task that has just been completed or canceled, or in a thread that an acceptance has just made read-only. Messages
 * share the lock, so they never wait for each other.
 */
export async function lockTaskForMessage(tx: Tx, taskId: string) {
  const [row] = await tx.select().from(tasks).where(eq(tasks.id, taskId)).for('share').limit(1);
  return row ?? null;
}

export interface MessagePageArgs extends MessageScope {
  limit: number;
  offset: number;
  startingAfter?: string;
}

/**
 * Oldest first, by seq. With a cursor, the page starts after that message's seq, read by a subquery confined to the
 * same scope; an id outside the scope makes the condition null (an empty page) and `cursorKnown` false.
 */
export async function listTaskMessages(db: Db, args: MessagePageArgs) {
  const where = scopeWhere(args);
  const cursor = args.startingAfter;
  const after =
    cursor === undefined
      ? undefined
      : gt(taskMessages.seq, sql`(select c.seq from ${taskMessages} c where c.id = ${cursor} and c.task_id = ${args.taskId}
          and (${args.thread}::text is null or c.thread_professional_id = ${args.thread}))`);
  const limit = cursor === undefined ? args.limit : args.limit + 1;
  const [rows, [counted], [known]] = await Promise.all([
    db
      .select(viewColumns)
      .from(taskMessages)
      .innerJoin(users, eq(users.id, taskMessages.authorId))
      .where(and(where, after))
      .orderBy(asc(taskMessages.seq))
      .limit(limit)
      .offset(args.offset),
    db.select({ total: count() }).from(taskMessages).where(where),
    cursor === undefined
      ? Promise.resolve([{ id: '' }])
      : db.select({ id: taskMessages.id }).from(taskMessages).where(and(where, eq(taskMessages.id, cursor))).limit(1),
  ]);
  const total = counted?.total ?? 0;
  const views = rows.slice(0, args.limit) as TaskMessageView[];
  const hasMore = cursor === undefined ? args.offset + views.length < total : rows.length > args.limit;
  return { views, total, hasMore, cursorKnown: known !== undefined };
}

/**
 * What a wait reads every poll, in one round trip by primary key: the task's status, and the position of the latest
 * message in the caller's scope written by someone else (a caller's own messages are not news to them).
 */
export async function findTaskStatusAndLatestMessage(
  db: Db | Tx,
  taskId: string,
  scope: { thread: string | null; readerId: string },
): Promise<{ status: TaskStatus; latestMessage: number } | null> {
  const thread = scope.thread;
  const latest = sql<string>`(select coalesce(max(m.seq), 0) from ${taskMessages} m where m.task_id = ${taskId}
    and (${thread}::text is null or m.thread_professional_id = ${thread}) and m.author_id <> ${scope.readerId})`;
  const [row] = await db
    .select({ status: tasks.status, latestMessage: latest })
    .from(tasks)
    .where(eq(tasks.id, taskId))
    .limit(1);
  return row ? { status: row.status, latestMessage: Number(row.latestMessage) } : null;
}
