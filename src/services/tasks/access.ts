/**
 * Who may see a task, and in what capacity. Existence is never leaked: a caller with no relation to a task
 * gets 404 NOT_FOUND; a caller who can see it but may not perform an action on it gets 403 FORBIDDEN.
 *
 * Modes come first: a live caller (an access token or a live key) has no relation to a test task, and a test key none
 * to a live one, whoever they are (docs/sandbox.md). Everything hanging off a task is read through this.
 */
import type { Caller } from '../../context';
import type { Db } from '../../db/client';
import { isVerifiedProfessional } from '../../db/queries/professionals';
import { findTask, type TaskRow } from '../../db/queries/tasks';
import { ApiError, notFound } from '../../lib/errors';
import { isFunded } from './funding';

/**
 * owner: the client who posted it. assignee: the professional who accepted it. admin: the platform, which
 * arbitrates disputes and so may read any task. market: a verified professional while the task is listed.
 */
export type TaskRelation = 'owner' | 'assignee' | 'admin' | 'market';

/** Open, funded and unassigned: what the marketplace lists and any verified professional may read. */
export const isListed = (task: TaskRow): boolean => task.status === 'open' && isFunded(task) && task.professionalId === null;

/**
 * Was the task ever listed? Then verified professionals may already know its id, so a late `accept` is told
 * it lost (409) rather than that the task does not exist. A task that was never funded was never shown.
 */
export const wasListed = (task: TaskRow): boolean =>
  task.professionalId !== null || ['funded', 'released', 'refunded'].includes(task.fundingStatus);

/** Whether the caller works in the task's mode; otherwise the task does not exist for them. */
export const inCallersMode = (caller: Pick<Caller, 'livemode'>, task: Pick<TaskRow, 'livemode'>): boolean => caller.livemode === task.livemode;

/** `callerVerified`, when the caller's verification was already read (with the task, say), saves reading it again. */
export async function relationTo(db: Db, caller: Caller, task: TaskRow, callerVerified?: boolean): Promise<TaskRelation | null> {
  if (!inCallersMode(caller, task)) return null;
  if (task.clientId === caller.id) return 'owner';
  if (task.professionalId === caller.id) return 'assignee';
  if (caller.role === 'admin') return 'admin';
  if (caller.role !== 'professional' || !isListed(task)) return null;
  return (callerVerified ?? (await isVerifiedProfessional(db, caller.id))) ? 'market' : null;
}

/** The task and the caller's relation to it; 404 when the caller may not see it at all. */
export async function loadTaskFor(db: Db, caller: Caller, taskId: string): Promise<{ task: TaskRow; relation: TaskRelation }> {
  const task = await findTask(db, taskId);
  const relation = task ? await relationTo(db, caller, task) : null;
  if (!task || !relation) throw notFound('Task');
  return { task, relation };
}

const WHO: Record<TaskRelation, string> = {
  owner: "the task's owner",
  assignee: 'the assigned professional',
  admin: 'an admin',
  market: 'a verified professional',
};

/** 403 unless the caller's relation is one the action allows. */
export function requireRelation(relation: TaskRelation, allowed: TaskRelation[], action: string): void {
  if (!allowed.includes(relation)) {
    throw new ApiError('FORBIDDEN', `Only ${allowed.map((r) => WHO[r]).join(' or ')} can ${action} this task.`);
  }
}

export async function requireVerifiedProfessional(db: Db, caller: Caller): Promise<void> {
  if (caller.role !== 'professional' || !(await isVerifiedProfessional(db, caller.id))) {
    throw new ApiError('FORBIDDEN', 'Only verified professionals can do this. Verification is granted by the platform.');
  }
}
