/**
 * The one place the task lifecycle reads and settles funding. The amount in escrow is the ledger's (the task's
 * escrow account, read into TaskView); the funding status is a column the payments code keeps in step with the
 * ledger in the same transaction (services/payments/escrow.ts). Moves that settle escrow do it here, inside their
 * own transaction.
 */
import type { Tx } from '../../db/client';
import type { TaskRow, TaskView } from '../../db/queries/tasks';
import type { FUNDING_STATUSES } from '../../db/schema';
import type { AfterCommit, PaymentsContext } from '../payments/after-commit';
import { refundEscrow, releaseEscrow } from '../payments/escrow';
import type { TransitionChange } from './lifecycle';
import type { Settlement } from './state-machine';

export type FundingStatus = (typeof FUNDING_STATUSES)[number];

export interface Funding {
  status: FundingStatus;
  /** What the task's escrow holds now (0 once released or refunded). */
  escrowCents: number;
}

export function fundingOf(view: TaskView): Funding {
  return { status: view.task.fundingStatus, escrowCents: view.escrowCents };
}

export const isFunded = (task: TaskRow): boolean => task.fundingStatus === 'funded';

/**
 * Runs inside the transition's transaction, after the guarded status update (which holds the task's row lock) and
 * its history row, so the money moves commit or roll back together with the move. `release` (approve,
 * auto-approve, resolve release) pays the professional; `refund` (cancel, expiry, resolve refund) returns each
 * payment to the client. Stripe calls are recorded in `after` and made once the transaction commits.
 */
export async function settleEscrow(
  tx: Tx,
  change: TransitionChange,
  settlement: Settlement,
  payments: PaymentsContext | undefined,
  after: AfterCommit,
): Promise<void> {
  if (settlement === null) return;
  if (!payments) throw new Error(`${change.action} settles escrow and needs the payments context`);
  if (settlement === 'release') await releaseEscrow(tx, change.after, payments.env, after);
  else await refundEscrow(tx, change.after, after);
}
