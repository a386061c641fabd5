/**
 * The one place the task lifecycle reads and settles funding. The amount in escrow is the ledger's (the task's
 * escrow account, read into TaskView and shown by task-object.ts); the funding status is a column the payments code
 * keeps in step with the ledger in the same transaction (services/payments/escrow.ts). Moves that settle escrow do it here, inside their
 * own transaction.
 */
import type { Tx } from '../../db/client';
import type { TaskRow } from '../../db/queries/tasks';
import type { AfterCommit, PaymentsContext } from '../payments/after-commit';
import { refundEscrow, releaseEscrow } from '../payments/escrow';
import type { Settlement, TaskAction } from './state-machine';

export const isFunded = (task: TaskRow): boolean => task.fundingStatus === 'funded';

/**
 * Runs inside the transition's transaction, after the guarded status update (which holds the task's row lock) and
 * its history row, so the money moves commit or roll back together with the move. `release` (approve,
 * auto-approve, resolve release) pays the professional; `refund` (cancel, expiry, resolve refund) returns each
 * payment to the client. Stripe calls are recorded in `after` and made once the transaction commits.
 */
export async function settleEscrow(
  tx: Tx,
  moved: { action: TaskAction; after: TaskRow },
  settlement: Settlement,
  payments: PaymentsContext | undefined,
  after: AfterCommit,
): Promise<void> {
  if (settlement === null) return;
  if (!payments) throw new Error(`${moved.action} settles escrow and needs the payments context`);
  if (settlement === 'release') await releaseEscrow(tx, moved.after, payments.env, after);
  else await refundEscrow(tx, moved.after, after);
}
