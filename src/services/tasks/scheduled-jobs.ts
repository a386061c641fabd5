/**
 * The Cron Trigger's task work. Both jobs find candidates with a bounded query and move each task through the
 * same guarded transition a person would, so a run that overlaps another, or repeats after a crash, cannot move
 * a task twice: the second attempt's update matches nothing and is skipped.
 */
import { lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { findOverdueOpenTaskIds, findTask, findUnreviewedSubmittedTaskIds, type TaskRow } from '../../db/queries/tasks';
import { tasks } from '../../db/schema';
import type { AppEnv } from '../../env';
import { ApiError } from '../../lib/errors';
import type { PaymentsContext } from '../payments/after-commit';
import { applyTransition } from './lifecycle';
import type { TaskAction } from './state-machine';

/** Per run: enough for any realistic backlog every 5 minutes, small enough to stay well inside a cron's limits. */
export const BATCH_SIZE = 100;
export const MAX_BATCHES = 5;
const DEFAULT_AUTO_APPROVE_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export function autoApproveDays(env: Pick<AppEnv, 'AUTO_APPROVE_DAYS'>): number {
  const days = Number(env.AUTO_APPROVE_DAYS);
  return Number.isFinite(days) && days > 0 ? days : DEFAULT_AUTO_APPROVE_DAYS;
}

/** Moves one task by the platform; false when another run or a person moved it first. */
async function moveBySystem(
  db: Db,
  payments: PaymentsContext,
  taskId: string,
  action: TaskAction,
  stillDue: (t: TaskRow) => boolean,
  guard: SQL,
): Promise<boolean> {
  const task = await findTask(db, taskId);
  if (!task || !stillDue(task)) return false;
  try {
    await applyTransition(db, { task, action, actorId: null, guard, payments });
    return true;
  } catch (err) {
    if (err instanceof ApiError && (err.code === 'INVALID_STATE' || err.code === 'CONFLICT')) return false;
    throw err;
  }
}

async function inBatches(find: () => Promise<string[]>, move: (id: string) => Promise<boolean>): Promise<number> {
  let moved = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const ids = await find();
    for (const id of ids) if (await move(id)) moved++;
    if (ids.length < BATCH_SIZE) break;
  }
  return moved;
}

/** Open tasks past their deadline are canceled, and their escrow refunded, through the same move as a cancel. */
export function expireOverdueTasks(db: Db, now: Date, payments: PaymentsContext): Promise<number> {
  return inBatches(
    () => findOverdueOpenTaskIds(db, now, BATCH_SIZE),
    (id) => moveBySystem(db, payments, id, 'expire', (t) => t.deadline !== null && t.deadline < now, lt(tasks.deadline, now)),
  );
}

/** Submitted tasks the client has not reviewed within AUTO_APPROVE_DAYS are approved on their behalf. */
export function autoApproveSubmittedTasks(db: Db, now: Date, days: number, payments: PaymentsContext): Promise<number> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  return inBatches(
    () => findUnreviewedSubmittedTaskIds(db, cutoff, BATCH_SIZE),
    (id) => moveBySystem(db, payments, id, 'auto_approve', (t) => t.submittedAt !== null && t.submittedAt < cutoff, lt(tasks.submittedAt, cutoff)),
  );
}
