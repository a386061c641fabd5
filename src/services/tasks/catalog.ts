/** Posting, reading and listing tasks (the moves between statuses live in actions.ts). */
import type { Caller } from '../../context';
import type { Db } from '../../db/client';
import { insertTaskEvent, listTaskEvents } from '../../db/queries/task-history';
import type { RequiredEvidence } from '../../db/schema';
import {
  findTaskView,
  insertTask,
  listTaskViews,
  type TaskCategory,
  type TaskFilters,
  type TaskScope,
  type TaskView,
} from '../../db/queries/tasks';
import { notFound } from '../../lib/errors';
import { unknownCursor } from '../../lib/pagination';
import { newId } from '../../lib/ids';
import { assertWithinSpendingLimits } from '../spending-limits';
import { loadTaskFor, relationTo, requireVerifiedProfessional, type TaskRelation } from './access';

export interface NewTaskInput {
  title: string;
  description: string;
  category: TaskCategory;
  locationType: 'remote' | 'local';
  location: string | null;
  budgetCents: number;
  budgetType: 'fixed' | 'hourly';
  deadline: Date | null;
  /** Uploaded files each submission must reference, by kind (services/files/evidence.ts). */
  requiredEvidence: RequiredEvidence;
  /** Where the task's events are also POSTed; checked by services/webhooks/callbacks.ts, which posts such tasks. */
  callbackUrl?: string | null;
}

/**
 * A new task is open and unfunded; its creation is the first line of its history. Posted with an API key, it
 * records the key and its budget counts against the key's spending limits, in the same transaction.
 */
export async function createTask(db: Db, caller: Caller, input: NewTaskInput): Promise<TaskView> {
  const id = newId('task');
  await db.transaction(async (tx) => {
    await insertTask(tx, { id, clientId: caller.id, ...input, createdByApiKeyId: caller.apiKeyId });
    await insertTaskEvent(tx, { id: newId('evt'), taskId: id, type: 'created', fromStatus: null, toStatus: 'open', actorId: caller.id });
    await assertWithinSpendingLimits(tx, caller, input.budgetCents, 'task', id);
  });
  const view = await findTaskView(db, id);
  if (!view) throw notFound('Task');
  return view;
}

export async function getTask(db: Db, caller: Caller, taskId: string): Promise<TaskView> {
  return (await readTaskFor(db, caller, taskId)).view;
}

/** The task as GET shows it, and the caller's relation to it (what a wait needs to know which messages it may see). */
export async function readTaskFor(db: Db, caller: Caller, taskId: string): Promise<{ view: TaskView; relation: TaskRelation }> {
  const view = await findTaskView(db, taskId);
  const relation = view ? await relationTo(db, caller, view.task) : null;
  if (!view || !relation) throw notFound('Task');
  return { view, relation };
}

export interface PageArgs {
  limit: number;
  offset: number;
}

/** Lists of tasks may also start after a task of theirs (`starting_after`). */
export interface TaskPageArgs extends PageArgs {
  startingAfter?: string;
}

async function listOrRefuseCursor(db: Db, args: Parameters<typeof listTaskViews>[1]) {
  const { views, total, hasMore, cursorKnown } = await listTaskViews(db, args);
  if (!cursorKnown) throw unknownCursor(args.startingAfter!);
  return { views, total, hasMore };
}

/** The caller's own tasks: those a client posted, those a professional was assigned. */
export async function listTasksFor(db: Db, caller: Caller, filters: TaskFilters, page: TaskPageArgs) {
  const scope: TaskScope =
    caller.role === 'professional' ? { kind: 'professional', professionalId: caller.id } : { kind: 'client', clientId: caller.id };
  return listOrRefuseCursor(db, { scope, filters, ...page });
}

/** Open, funded, unassigned tasks, for verified professionals only. */
export async function listMarketplace(db: Db, caller: Caller, filters: Omit<TaskFilters, 'status'>, page: TaskPageArgs) {
  await requireVerifiedProfessional(db, caller);
  return listOrRefuseCursor(db, { scope: { kind: 'marketplace' }, filters, ...page });
}

export async function taskHistory(db: Db, caller: Caller, taskId: string, page: PageArgs) {
  await loadTaskFor(db, caller, taskId);
  return listTaskEvents(db, { taskId, ...page });
}
