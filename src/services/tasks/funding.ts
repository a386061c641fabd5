/**
 * The one place a task's funding is read and settled. Until the payments issue lands, funding is two columns
 * on the task (funding_status, escrow_cents) that nothing in the API writes: tests set them directly. The
 * payments issue replaces `fundingOf` with the ledger's view and fills in `settleEscrow`; the lifecycle and
 * the DTOs only ever go through these two functions.
 */
import type { Tx } from '../../db/client';
import type { TaskRow } from '../../db/queries/tasks';
import type { FUNDING_STATUSES } from '../../db/schema';
import type { TransitionChange } from './lifecycle';
import type { Settlement } from './state-machine';

export type FundingStatus = (typeof FUNDING_STATUSES)[number];

export interface Funding {
  status: FundingStatus;
  escrowCents: number;
}

export function fundingOf(task: TaskRow): Funding {
  return { status: task.fundingStatus, escrowCents: task.escrowCents };
}

export const isFunded = (task: TaskRow): boolean => fundingOf(task).status === 'funded';

/**
 * Runs inside the transition's transaction, after the guarded status update and its history row, so the
 * money movement commits or rolls back together with the move. `release` (approve, auto-approve, resolve
 * release) pays the professional; `refund` (cancel, expiry, resolve refund) returns the escrow to the client.
 * No money moves yet: that is the payments issue's ledger and Stripe calls.
 */
export async function settleEscrow(_tx: Tx, _change: TransitionChange, _settlement: Settlement): Promise<void> {}
