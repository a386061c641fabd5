import { and, count, desc, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../client';
import { ledgerAccounts, marketplacePredicate, submissions, TASK_CATEGORIES, TASK_STATUSES, tasks, users, type Attachment } from '../schema';

export type TaskRow = typeof tasks.$inferSelect;
export type NewTaskRow = typeof tasks.$inferInsert;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskCategory = (typeof TASK_CATEGORIES)[number];

export interface DeliverableRow {
  id: string;
  text: string;
  attachments: Attachment[];
  data: Record<string, unknown> | null;
  submittedAt: Date;
}

/** A task with what its public object shows: the assigned professional, every submission, and its escrow. */
export interface TaskView {
  task: TaskRow;
  /** The balance of the task's escrow account in the ledger. */
  escrowCents: number;
  professional: { id: string; fullName: string; ratingSum: number; ratingCount: number } | null;
  deliverables: DeliverableRow[];
}

/** Which tasks a list covers. */
export type TaskScope = (
  | { kind: 'client'; clientId: string }
  | { kind: 'professional'; professionalId: string }
  | { kind: 'marketplace' }
) & {
  /** Every list is of one mode: live callers see live tasks, test keys test tasks. */
  livemode: boolean;
};

export interface TaskFilters {
  status?: TaskStatus;
  category?: TaskCategory;
  locationType?: 'remote' | 'local';
}

/**
 * Submissions ride along as one JSON array per task (a correlated subquery on submissions_task_idx), so a
 * page of tasks with their deliverables is a single round trip. Times travel as epoch milliseconds.
 */
const deliverablesJson = sql<{ id: string; text: string; attachments: Attachment[]; data: Record<string, unknown> | null; at: number }[]>`coalesce((
  select json_agg(json_build_object('id', s.id, 'text', s.text, 'attachments', s.attachments, 'data', s.data,
    'at', floor(extract(epoch from s.created_at) * 1000)) order by s.created_at, s.id)
  from ${submissions} s where s.task_id = ${tasks.id}), '[]'::json)`;

/** The task's escrow balance, read from its ledger account (a primary-key lookup per task; a test task's is test:escrow:). */
const escrowCents = sql<string>`coalesce((select a.balance_cents from ${ledgerAccounts} a
  where a.id = (case when ${tasks.livemode} then 'escrow:' else 'test:escrow:' end) || ${tasks.id}), 0)`;

export const viewColumns = {
  task: tasks,
  escrowCents,
  professional: { id: users.id, fullName: users.fullName, ratingSum: users.ratingSum, ratingCount: users.ratingCount },
  deliverables: deliverablesJson,
};

type RawView = {
  task: TaskRow;
  escrowCents: string | number;
  professional: TaskView['professional'];
  deliverables: (typeof deliverablesJson)['_']['type'];
};

export function toView(raw: RawView): TaskView {
  return {
    task: raw.task,
    escrowCents: Number(raw.escrowCents),
    professional: raw.professional,
    deliverables: raw.deliverables.map((d) => ({ id: d.id, text: d.text, attachments: d.attachments, data: d.data, submittedAt: new Date(Number(d.at)) })),
  };
}

function scopeWhere(scope: TaskScope, filters: TaskFilters): SQL | undefined {
  const scoped =
    scope.kind === 'client'
      ? eq(tasks.clientId, scope.clientId)
      : scope.kind === 'professional'
        ? eq(tasks.professionalId, scope.professionalId)
        : marketplacePredicate(tasks);
  return and(
    scoped,
    eq(tasks.livemode, scope.livemode),
    filters.status ? eq(tasks.status, filters.status) : undefined,
    filters.category ? eq(tasks.category, filters.category) : undefined,
    filters.locationType ? eq(tasks.locationType, filters.locationType) : undefined,
  );
}

/** Where a page starts: `offset` rows into the list, or just after the task `startingAfter` (then offset is 0). */
export interface TaskPageArgs {
  scope: TaskScope;
  filters: TaskFilters;
  limit: number;
  offset: number;
  startingAfter?: string;
}

/**
 * The keyset condition: rows after the cursor task in (created_at desc, id desc) order. The cursor's position is
 * read by a subquery rather than passed in, because created_at has microseconds that a JS Date would round away.
 * An unknown id makes the condition null, so the page is empty; listTaskViews tells that case apart.
 */
function afterCursor(id: string | undefined): SQL | undefined {
  if (id === undefined) return undefined;
  return sql`(${tasks.createdAt}, ${tasks.id}) < (select c.created_at, c.id from ${tasks} c where c.id = ${id})`;
}

/**
 * Tasks that may serve as a cursor of the scope's list, whatever the filters: the last task of a `status=open` page
 * may have been accepted before the next page is asked for, and the walk must go on. For the marketplace that is
 * any task that was ever listed (as `wasListed` in services/tasks/access.ts): one taken since is still a position.
 */
function cursorScope(scope: TaskScope): SQL | undefined {
  const mode = eq(tasks.livemode, scope.livemode);
  if (scope.kind === 'client') return and(mode, eq(tasks.clientId, scope.clientId));
  if (scope.kind === 'professional') return and(mode, eq(tasks.professionalId, scope.professionalId));
  return and(mode, sql`(${tasks.professionalId} is not null or ${tasks.fundingStatus} in ('funded', 'released', 'refunded'))`);
}

/**
 * Lists count their rows up to this many and no further: an exact count(*) of a large list costs far more than its
 * page (863 ms against under 4 ms at a million tasks). Past it, `total` says this many and `total_capped` is true.
 */
export const TOTAL_CAP = 1000;

/** The list's size, counted up to TOTAL_CAP + 1 rows (so "more than the cap" can be told from "exactly the cap"). */
export function taskCountQuery(db: Db | Tx, args: { scope: TaskScope; filters: TaskFilters }) {
  const counted = db
    .select({ one: sql`1` })
    .from(tasks)
    .where(scopeWhere(args.scope, args.filters))
    .limit(TOTAL_CAP + 1)
    .as('counted');
  return db.select({ total: count() }).from(counted);
}

/** Whether `id` may serve as a cursor of the scope's list (see cursorScope); true when there is no cursor. */
function cursorKnownSql(scope: TaskScope, id: string | undefined): SQL<boolean> {
  if (id === undefined) return sql<boolean>`true`;
  return sql<boolean>`exists (select 1 from ${tasks} where ${tasks.id} = ${id} and ${cursorScope(scope)})`;
}

/**
 * The page query itself, unexecuted, so the benchmark can EXPLAIN exactly what the API runs. The page's ids
 * are chosen first, inside, from an index in list order; only those rows are then joined to the professional
 * and given their deliverables. Done in one flat query, an offset of 10,000 would build 10,000 deliverable
 * arrays just to skip them. With a cursor the inner query is a range scan of the same index from the cursor on.
 * Every row also carries the list's capped count and whether the cursor is one of the list's (each computed once,
 * not per row), so a page is one statement.
 */
export function taskPageQuery(db: Db | Tx, args: TaskPageArgs) {
  const pageIds = db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(scopeWhere(args.scope, args.filters), afterCursor(args.startingAfter)))
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .limit(args.limit)
    .offset(args.offset);
  return db
    .select({
      ...viewColumns,
      listTotal: sql<number>`(${taskCountQuery(db, args)})`.mapWith(Number),
      cursorKnown: cursorKnownSql(args.scope, args.startingAfter),
    })
    .from(tasks)
    .leftJoin(users, eq(users.id, tasks.professionalId))
    .where(inArray(tasks.id, pageIds))
    .orderBy(desc(tasks.createdAt), desc(tasks.id));
}

/**
 * A page, the list's total (capped: see TOTAL_CAP), and whether more follows, read as one row past the page.
 * `cursorKnown` is false when the cursor is not a task of this list (the caller answers 400, not an empty page).
 * One statement; a page that comes back empty (past the end, or an unknown cursor) asks for the count and the
 * cursor's standing in a second, small one.
 */
export async function listTaskViews(db: Db, args: TaskPageArgs) {
  const rows = await taskPageQuery(db, { ...args, limit: args.limit + 1 });
  let total: number;
  let cursorKnown: boolean;
  if (rows[0]) {
    ({ listTotal: total, cursorKnown } = rows[0]);
  } else {
    const [meta] = await db
      .select({ total: sql<number>`(${taskCountQuery(db, args)})`.mapWith(Number), cursorKnown: cursorKnownSql(args.scope, args.startingAfter) })
      .from(sql`(select 1) as one`);
    ({ total, cursorKnown } = meta!);
  }
  const views = rows.slice(0, args.limit).map(toView);
  return { views, total: Math.min(total, TOTAL_CAP), totalCapped: total > TOTAL_CAP, hasMore: rows.length > args.limit, cursorKnown };
}

export async function findTaskView(db: Db | Tx, id: string): Promise<TaskView | null> {
  const [row] = await db
    .select(viewColumns)
    .from(tasks)
    .leftJoin(users, eq(users.id, tasks.professionalId))
    .where(eq(tasks.id, id))
    .limit(1);
  return row ? toView(row) : null;
}

export async function findTask(db: Db | Tx, id: string): Promise<TaskRow | null> {
  const [row] = await db.select().from(tasks).where(eq(tasks.id, id)).limit(1);
  return row ?? null;
}

export async function insertTask(db: Db | Tx, task: NewTaskRow): Promise<TaskRow> {
  const [row] = await db.insert(tasks).values(task).returning();
  return row!;
}

/**
 * The guarded update every transition goes through: it applies only while the task is still in `expected`
 * (and `guard` still holds). Postgres re-checks the WHERE after waiting on a concurrent writer's row lock, so
 * of two racing transitions from one status exactly one gets a row back.
 */
export async function updateTaskIfStatus(
  tx: Tx,
  id: string,
  expected: TaskStatus,
  set: PgUpdateSetSource<typeof tasks>,
  guard?: SQL,
): Promise<TaskRow | null> {
  const [row] = await tx
    .update(tasks)
    .set({ ...set, updatedAt: sql`now()` })
    .where(and(eq(tasks.id, id), eq(tasks.status, expected), guard))
    .returning();
  return row ?? null;
}

/** Still-unassigned and funded: what accept needs to hold at the moment it writes. */
export const acceptableGuard = () => and(isNull(tasks.professionalId), eq(tasks.fundingStatus, 'funded'));

/** Ids for the scheduled jobs, oldest first, bounded per batch. */
export async function findOverdueOpenTaskIds(db: Db, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.status, 'open'), lt(tasks.deadline, now)))
    .orderBy(tasks.deadline)
    .limit(limit);
  return rows.map((r) => r.id);
}

export async function findUnreviewedSubmittedTaskIds(db: Db, submittedBefore: Date, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.status, 'submitted'), lt(tasks.submittedAt, submittedBefore)))
    .orderBy(tasks.submittedAt)
    .limit(limit);
  return rows.map((r) => r.id);
}

export async function countCompletedTasks(db: Db | Tx, professionalId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(tasks)
    .where(and(eq(tasks.professionalId, professionalId), eq(tasks.status, 'completed')));
  return row?.n ?? 0;
}
