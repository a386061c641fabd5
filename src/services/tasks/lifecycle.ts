/**
 * Applies the state machine. Each move is one database transaction holding four things: the guarded update
 * (WHERE status = the status the caller saw), the history row, the move's effects (a submission, a review,
 * the escrow settlement), and the webhook event announcing it. Two concurrent moves from one status cannot both win: the second one's update finds
 * no row once the first commits, and it answers 409 naming the status it lost to.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db, Tx } from '../../db/client';
import { insertTaskEvent } from '../../db/queries/task-history';
import { findTask, updateTaskIfStatus, type TaskRow, type TaskStatus } from '../../db/queries/tasks';
import type { tasks } from '../../db/schema';
import { ApiError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { AfterCommitWork, type PaymentsContext } from '../payments/after-commit';
import { announceTaskEvent } from '../webhooks/outbox';
import { settleEscrow } from './funding';
import { canMove, invalidState, TRANSITIONS, type TaskAction } from './state-machine';

export interface TransitionChange {
  action: TaskAction;
  before: TaskRow;
  after: TaskRow;
  /** Null when the platform moves the task (scheduled jobs). */
  actorId: string | null;
}

/** Work that must commit or roll back together with a move. */
export type TransitionEffect = (tx: Tx, change: TransitionChange) => Promise<void>;

export interface TransitionInput {
  /** The task as the caller read it: the move applies only while its status is still this one. */
  task: TaskRow;
  action: TaskAction;
  actorId: string | null;
  note?: string | null;
  /** Columns this move writes besides status and its timestamp. */
  set?: PgUpdateSetSource<typeof tasks>;
  /** Conditions besides the status that must still hold when the update runs. */
  guard?: SQL;
  effects?: TransitionEffect[];
  /** For the work after commit: Stripe calls of moves that settle escrow, and the webhook event every move sends. */
  payments: PaymentsContext;
}

/** The timestamp column a move stamps, by the status it enters; the database clock, like created_at. */
function stampFor(to: TaskStatus): PgUpdateSetSource<typeof tasks> {
  if (to === 'completed') return { completedAt: sql`now()` };
  if (to === 'canceled') return { canceledAt: sql`now()` };
  return {};
}

export async function applyTransition(db: Db, input: TransitionInput): Promise<TaskRow> {
  const { task: before, action } = input;
  const transition = TRANSITIONS[action];
  if (!canMove(action, before.status)) throw invalidState(action, before.status);

  const afterCommit = new AfterCommitWork();
  const moved = await db.transaction(async (tx) => {
    const after = await updateTaskIfStatus(
      tx,
      before.id,
      before.status,
      { status: transition.to, ...stampFor(transition.to), ...input.set },
      input.guard,
    );
    if (!after) throw await explainLostRace(tx, input);
    await insertTaskEvent(tx, {
      id: newId('evt'),
      taskId: before.id,
      type: transition.event,
      fromStatus: before.status,
      toStatus: transition.to,
      actorId: input.actorId,
      note: input.note ?? null,
    });
    const change: TransitionChange = { action, before, after, actorId: input.actorId };
    for (const effect of input.effects ?? []) await effect(tx, change);
    await settleEscrow(tx, change, transition.settles, input.payments, afterCommit);
    await announceTaskEvent(tx, after, transition.announces, before.status, afterCommit);
    if (!after.livemode) afterCommit.sandboxTask(after.id);
    return after;
  });
  afterCommit.schedule(input.payments);
  return moved;
}

/** The guarded update matched nothing: something else moved or changed the task first. Say what. */
async function explainLostRace(tx: Tx, input: TransitionInput): Promise<ApiError> {
  const current = await findTask(tx, input.task.id);
  if (!current) return notFound('Task');
  if (current.status !== input.task.status) return invalidState(input.action, current.status);
  return new ApiError('CONFLICT', 'The task changed while this request ran (for example it was assigned or its funding changed). Read it again.');
}
