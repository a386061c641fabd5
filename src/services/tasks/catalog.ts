/** Posting, reading and listing tasks (the moves between statuses live in actions.ts). */
import type { Caller, VerifiedCredential } from '../../context';
import type { Db } from '../../db/client';
import { insertTaskEvent, listTaskEvents } from '../../db/queries/task-history';
import { findTaskViewWithReader } from '../../db/queries/task-reads';
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
import { callerFromReader, readerRef } from '../credentials';
import { checkSandboxOutcome } from '../sandbox/outcomes';
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
  /** The client's key-value pairs; on a test task, `sandbox_outcome` steers the sandbox professional. */
  metadata: Record<string, string>;
}

/**
 * A new task is open and unfunded; its creation is the first line of its history. Posted with an API key, it
 * records the key and its budget counts against the key's spending limits, in the same transaction.
 */
export async function createTask(db: Db, caller: Caller, input: NewTaskInput): Promise<TaskView> {
  if (!caller.livemode) checkSandboxOutcome(input.metadata);
  const id = newId('task');
  await db.transaction(async (tx) => {
    await insertTask(tx, { id, clientId: caller.id, ...input, createdByApiKeyId: caller.apiKeyId, livemode: caller.livemode });
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

/**
 * GET /api/v1/tasks/{id}, the hot read: the credential's account (or live key) and the task in one statement, so the
 * whole request is one round trip. The same rules as getTask: 401 for a key or account that is gone, 404 for a task the
 * caller may not see.
 */
export async function getTaskWithCredential(db: Db, credential: VerifiedCredential, taskId: string): Promise<TaskView> {
  const { reader, view } = await findTaskViewWithReader(db, readerRef(credential), taskId);
  const caller = callerFromReader(credential, reader);
  const relation = view ? await relationTo(db, caller, view.task, reader!.verified) : null;
  if (!view || !relation) throw notFound('Task');
  return view;
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
  const { views, total, totalCapped, hasMore, cursorKnown } = await listTaskViews(db, args);
  if (!cursorKnown) throw unknownCursor(args.startingAfter!);
  return { views, total, totalCapped, hasMore };
}

/** The caller's own tasks: those a client posted, those a professional was assigned. */
export async function listTasksFor(db: Db, caller: Caller, filters: TaskFilters, page: TaskPageArgs) {
  const scope: TaskScope =
    caller.role === 'professional'
      ? { kind: 'professional', professionalId: caller.id, livemode: caller.livemode }
      : { kind: 'client', clientId: caller.id, livemode: caller.livemode };
  return listOrRefuseCursor(db, { scope, filters, ...page });
}

/** Open, funded, unassigned tasks, for verified professionals only. */
export async function listMarketplace(db: Db, caller: Caller, filters: Omit<TaskFilters, 'status'>, page: TaskPageArgs) {
  await requireVerifiedProfessional(db, caller);
  return listOrRefuseCursor(db, { scope: { kind: 'marketplace', livemode: caller.livemode }, filters, ...page });
}

export async function taskHistory(db: Db, caller: Caller, taskId: string, page: PageArgs) {
  await loadTaskFor(db, caller, taskId);
  return listTaskEvents(db, { taskId, ...page });
}
