/**
 * A task's escrow: money in (a paid checkout), money out to the professional (release) or back to the client
 * (refund), and the task's funding status, kept in step with the ledger in the same transaction.
 *
 * Every function here runs inside a transaction that holds the task's row lock (the transition's guarded UPDATE,
 * or `lockTask`), so the moves of one task are serialized, and each one reads the escrow as the last one left it.
 * Calls to Stripe are recorded as pending calls and made after commit (see after-commit.ts).
 *
 * Money enters an escrow two ways: a paid checkout (Stripe -> escrow, `fund:<cs_...>`) and the client's available
 * balance (available -> escrow, `balance_funding`). A refund returns each the way it came, one by one: a checkout
 * through a Stripe refund of that payment, a balance funding to the available balance (it never came from a card in
 * this task, so there is nothing at Stripe to refund). A release empties the escrow, whatever its sources: the
 * professional is paid what the task pays, and what a fixed-price task holds above its budget goes to the client's
 * available balance.
 *
 * Where the truth lives: the amount in escrow is the ledger account escrow:<task> and nothing else (the task's
 * `funding.escrow_amount` reads it). `tasks.funding_status` is the state the marketplace and accept filter on;
 * only this file writes it, always in the transaction that posts the matching ledger entries.
 *
 *   unfunded --checkout opened--> pending --paid--> funded --approve--> released
 *       ^                            |                  \--cancel/expire/refund--> refunded
 *       +------ checkouts ended -----+
 */
import type { Db, Tx } from '../../db/client';
import { listCreditsOfKind } from '../../db/queries/ledger';
import { listTaskCheckouts, markCheckoutPaid, setFundingStatus, type CheckoutRow } from '../../db/queries/checkouts';
import type { TaskRow } from '../../db/queries/tasks';
import { findUserById } from '../../db/queries/users';
import type { AppEnv } from '../../env';
import { usdText } from '../../lib/money';
import {
  accountBalanceCents,
  availableAccount,
  escrowAccount,
  pendingPayoutAccount,
  pendingRefundAccount,
  platformFeeCents,
  post,
  platformFeesAccount,
  stripeExternalAccount,
  type LedgerEntryInput,
} from '../ledger';
import { announceTaskEvent } from '../webhooks/outbox';
import type { AfterCommit } from './after-commit';
import { platformFeeBps } from './config';
import { recordPendingCall } from './pending-calls';

/** A checkout was opened for the task: an unfunded task's funding is now pending. */
export async function checkoutOpened(tx: Tx, task: TaskRow): Promise<void> {
  if (task.fundingStatus === 'unfunded') await setFundingStatus(tx, task.id, 'pending');
}

/** A checkout expired or its payment failed: with no other open checkout, a pending task is unfunded again. */
export async function checkoutEnded(tx: Tx, task: TaskRow): Promise<void> {
  if (task.fundingStatus !== 'pending') return;
  if ((await listTaskCheckouts(tx, task.id, ['pending'])).length === 0) await setFundingStatus(tx, task.id, 'unfunded');
}

/** A payment Stripe collected for a checkout of the task. */
export interface Payment {
  checkout: CheckoutRow;
  paymentIntentId: string | null;
  chargeId: string | null;
  amountCents: number;
  simulated: boolean;
}

/**
 * Credits a paid checkout to the task's escrow, once per checkout session (`fund:<cs_...>`); false when it was
 * credited before (the other of checkout.session.completed / async_payment_succeeded came first). A task that
 * no longer takes money (canceled, or completed and paid out) gets the payment refunded at once.
 */
export async function creditPayment(tx: Tx, task: TaskRow, payment: Payment, after: AfterCommit): Promise<boolean> {
  const { checkout } = payment;
  const { posted } = await post(tx, {
    reference: `fund:${checkout.stripeSessionId}`,
    kind: 'funding',
    taskId: task.id,
    userId: task.clientId,
    memo: `Checkout ${checkout.id} paid`,
    simulated: payment.simulated,
    entries: [
      { account: stripeExternalAccount(task.livemode), amountCents: -payment.amountCents },
      { account: escrowAccount(task.id, task.clientId, task.livemode), amountCents: payment.amountCents },
    ],
  });
  if (!posted) return false;
  await markCheckoutPaid(tx, checkout.id, {
    paymentIntentId: payment.paymentIntentId,
    chargeId: payment.chargeId,
    paidCents: payment.amountCents,
  });
  const paid: CheckoutRow = {
    ...checkout,
    status: 'paid',
    paymentIntentId: payment.paymentIntentId,
    chargeId: payment.chargeId,
    paidCents: payment.amountCents,
  };
  if (task.status === 'canceled' || task.status === 'completed') {
    await refundPayment(tx, task, paid, after);
    if (task.status === 'canceled') await setFundingStatus(tx, task.id, 'refunded');
  } else {
    await markFunded(tx, task, after);
  }
  return true;
}

/** Money reached the escrow of a task that still takes it: the first money makes it funded and says so (task.funded). */
async function markFunded(tx: Tx, task: TaskRow, after: AfterCommit): Promise<void> {
  if (task.fundingStatus !== 'unfunded' && task.fundingStatus !== 'pending') return;
  await setFundingStatus(tx, task.id, 'funded');
  await announceTaskEvent(tx, task, 'task.funded', task.status, after);
  if (!task.livemode) after.sandboxTask(task.id);
}

/** A client's balance paid into the escrow of one of their open tasks; the caller has checked the balance covers it. */
export interface BalanceFunding {
  reference: string;
  amountCents: number;
  memo: string;
}

/**
 * Credits the task's escrow from its client's available balance (`balance_funding`) and funds the task, exactly as a
 * paid checkout does. The caller holds the task's row lock and has checked the task is open; an amount the balance
 * does not hold fails the whole transaction at the ledger's non-negative check.
 */
export async function creditFromBalance(tx: Tx, task: TaskRow, funding: BalanceFunding, after: AfterCommit): Promise<string> {
  const { posted, transactionId } = await post(tx, {
    reference: funding.reference,
    kind: 'balance_funding',
    taskId: task.id,
    userId: task.clientId,
    memo: funding.memo,
    entries: [
      { account: availableAccount(task.clientId, task.livemode), amountCents: -funding.amountCents },
      { account: escrowAccount(task.id, task.clientId, task.livemode), amountCents: funding.amountCents },
    ],
  });
  if (!posted) throw new Error(`balance funding ${funding.reference} was already posted`);
  await markFunded(tx, task, after);
  return transactionId;
}

/** What the task's escrow received from its client's balance, one entry per balance funding. */
export function balanceFundings(db: Db | Tx, task: Pick<TaskRow, 'id' | 'clientId' | 'livemode'>) {
  return listCreditsOfKind(db, escrowAccount(task.id, task.clientId, task.livemode).id, 'balance_funding');
}

/**
 * What of a task's escrow the professional is paid for (before the fee). A fixed-price task pays its budget: a
 * client may fund more than that (checkout and balance funding take at least the budget), and the extra is theirs.
 * An hourly task pays the whole escrow: its budget is a rate, the hours are agreed between the two sides, and what
 * the client put in escrow is what they chose to pay.
 */
export function payableCents(task: Pick<TaskRow, 'budgetType' | 'budgetCents'>, heldCents: number): number {
  return task.budgetType === 'fixed' ? Math.min(heldCents, task.budgetCents) : heldCents;
}

/** How a release divides an escrow of `heldCents`: what the professional earns, the platform's fee, the client's extra. */
export interface ReleaseSplit {
  /** What the task pays for (`payableCents`), before the fee. */
  payableCents: number;
  feeCents: number;
  /** To the professional's available balance: payable less the fee. */
  earnedCents: number;
  /** To the client's available balance: what a fixed-price task holds above its budget. */
  returnedCents: number;
}

/**
 * The one place the figures of a release are worked out: releaseEscrow moves them, and a quote (services/tasks/quote.ts)
 * shows them before the task exists, so what an agent is quoted is what the ledger later posts, to the cent.
 */
export function releaseSplit(task: Pick<TaskRow, 'budgetType' | 'budgetCents'>, heldCents: number, feeBps: number): ReleaseSplit {
  const payable = payableCents(task, heldCents);
  const fee = platformFeeCents(payable, feeBps);
  return { payableCents: payable, feeCents: fee, earnedCents: payable - fee, returnedCents: heldCents - payable };
}

/**
 * Approve, auto-approve, resolve-release (`release:<task>`), one ledger transaction: the escrow is emptied; what the
 * task pays (`payableCents`) goes to the professional's available balance, less the platform fee (charged on that,
 * not on the extra); what a fixed-price task was funded above its budget goes back to the client's available balance.
 * If Stripe can pay the professional (payouts enabled on their connected account), their earnings go on at once as a
 * transfer (`transfer:<task>` in the ledger, `release:<task>` as Stripe's idempotency key). Otherwise they wait in
 * their available balance: enabling payouts sweeps it out (connect.ts), and so does POST /api/v1/payments/payouts.
 */
export async function releaseEscrow(tx: Tx, task: TaskRow, env: AppEnv, after: AfterCommit): Promise<void> {
  if (!task.professionalId) throw new Error(`task ${task.id} has no professional to release its escrow to`);
  const held = await accountBalanceCents(tx, escrowAccount(task.id, task.clientId, task.livemode));
  if (held <= 0) return;
  const pro = await findUserById(tx, task.professionalId);
  if (!pro) throw new Error(`professional ${task.professionalId} of task ${task.id} does not exist`);
  const { feeCents: fee, earnedCents: earned, returnedCents: returned } = releaseSplit(task, held, platformFeeBps(env));
  const entries: LedgerEntryInput[] = [{ account: escrowAccount(task.id, task.clientId, task.livemode), amountCents: -held }];
  if (earned > 0) entries.push({ account: availableAccount(pro.id, task.livemode), amountCents: earned });
  if (fee > 0) entries.push({ account: platformFeesAccount(task.livemode), amountCents: fee });
  if (returned > 0) entries.push({ account: availableAccount(task.clientId, task.livemode), amountCents: returned });
  const { posted } = await post(tx, {
    reference: `release:${task.id}`,
    kind: 'release',
    taskId: task.id,
    userId: pro.id,
    memo:
      `Released to the professional; platform fee ${fee} cents` +
      (returned > 0 ? `; ${usdText(returned)} funded above the budget returned to the client's available balance` : ''),
    entries,
  });
  if (!posted) return;
  await setFundingStatus(tx, task.id, 'released');
  // Test earnings stay in the test ledger: nothing of a test task ever goes to a real connected account.
  if (earned > 0 && task.livemode && pro.payoutsEnabled && pro.stripeAccountId) {
    // One funding charge: the transfer is tied to it (source_transaction), so it goes out even before the charge's
    // funds are available in the platform balance. Several: no single charge covers it; it draws on the balance.
    // Money from the client's balance is not part of any charge: then no charge covers the transfer either.
    const charges = (await listTaskCheckouts(tx, task.id, ['paid'])).map((c) => c.chargeId);
    const fromBalance = (await balanceFundings(tx, task)).length > 0;
    await startTransfer(
      tx,
      {
        reference: `transfer:${task.id}`,
        idempotencyKey: `release:${task.id}`,
        userId: pro.id,
        destination: pro.stripeAccountId,
        amountCents: earned,
        transferGroup: task.id,
        sourceTransaction: charges.length === 1 && !fromBalance ? charges[0]! : null,
        taskId: task.id,
        metadata: { task_id: task.id },
      },
      after,
    );
  }
}

/**
 * Cancel, deadline expiry, resolve-refund: each payment in escrow goes back to the client the way it came. A balance
 * funding returns to the available balance at once; a paid checkout through a Stripe refund of that payment; and
 * checkouts still open are expired after commit (one paid regardless is refunded on arrival). The balance refunds go
 * first, so the transaction takes its ledger accounts in id order (available, escrow, pending_refund).
 */
export async function refundEscrow(tx: Tx, task: TaskRow, after: AfterCommit): Promise<void> {
  const fromBalance = await balanceFundings(tx, task);
  for (const funding of fromBalance) await refundBalanceFunding(tx, task, funding);
  const checkouts = await listTaskCheckouts(tx, task.id, ['paid', 'pending']);
  const paid = checkouts.filter((c) => c.status === 'paid');
  for (const checkout of paid) await refundPayment(tx, task, checkout, after);
  for (const open of checkouts.filter((c) => c.status === 'pending')) after.expireCheckout(open);
  await setFundingStatus(tx, task.id, paid.length > 0 || fromBalance.length > 0 ? 'refunded' : 'unfunded');
}

/** One balance funding back where it came from: escrow -> the client's available balance (`refund:<task>:<txn_...>`). */
async function refundBalanceFunding(tx: Tx, task: TaskRow, funding: { transactionId: string; amountCents: number }): Promise<void> {
  await post(tx, {
    reference: `refund:${task.id}:${funding.transactionId}`,
    kind: 'refund',
    taskId: task.id,
    userId: task.clientId,
    memo: `Refund of balance funding ${funding.transactionId} to your available balance`,
    entries: [
      { account: availableAccount(task.clientId, task.livemode), amountCents: funding.amountCents },
      { account: escrowAccount(task.id, task.clientId, task.livemode), amountCents: -funding.amountCents },
    ],
  });
}

/** One payment back to the client: escrow -> pending_refund (`refund:<task>:<cs_...>`) and the refund call. */
async function refundPayment(tx: Tx, task: TaskRow, checkout: CheckoutRow, after: AfterCommit): Promise<void> {
  const amount = checkout.paidCents;
  if (!amount) throw new Error(`checkout ${checkout.id} is not paid; there is nothing to refund`);
  const key = `refund:${task.id}:${checkout.stripeSessionId}`;
  const hold = pendingRefundAccount(task.id, task.clientId, task.livemode);
  const { posted } = await post(tx, {
    reference: key,
    kind: 'refund',
    taskId: task.id,
    userId: task.clientId,
    memo: `Refund of checkout ${checkout.id}`,
    entries: [
      { account: escrowAccount(task.id, task.clientId, task.livemode), amountCents: -amount },
      { account: hold, amountCents: amount },
    ],
  });
  if (!posted) return;
  const payment = checkout.paymentIntentId ? { payment_intent: checkout.paymentIntentId } : { charge: checkout.chargeId };
  if (!payment.payment_intent && !payment.charge) throw new Error(`checkout ${checkout.id} names no payment to refund`);
  await recordPendingCall(tx, {
    kind: 'refund',
    idempotencyKey: key,
    params: { ...payment, amount, reason: 'requested_by_customer', metadata: { task_id: task.id, checkout_id: checkout.id } },
    hold,
    amountCents: amount,
    taskId: task.id,
    userId: task.clientId,
  });
  after.pendingCall(key);
}

export interface TransferInput {
  /** Ledger reference of the available -> pending_payout move. */
  reference: string;
  /** Stripe idempotency key of the transfer (and the pending call's). */
  idempotencyKey: string;
  userId: string;
  /** The professional's connected account. */
  destination: string;
  amountCents: number;
  /** Ties the transfer to what it pays for; also how a retry finds a transfer an earlier attempt made. */
  transferGroup: string;
  sourceTransaction?: string | null;
  taskId?: string | null;
  metadata: Record<string, string>;
}

/** Earnings on their way to the connected account: available -> pending_payout, and the transfer call. */
export async function startTransfer(tx: Tx, input: TransferInput, after: AfterCommit): Promise<boolean> {
  const hold = pendingPayoutAccount(input.userId);
  const { posted } = await post(tx, {
    reference: input.reference,
    kind: 'transfer',
    taskId: input.taskId ?? null,
    userId: input.userId,
    memo: `Transfer to connected account ${input.destination}`,
    entries: [
      { account: availableAccount(input.userId), amountCents: -input.amountCents },
      { account: hold, amountCents: input.amountCents },
    ],
  });
  if (!posted) return false;
  await recordPendingCall(tx, {
    kind: 'transfer',
    idempotencyKey: input.idempotencyKey,
    params: {
      amount: input.amountCents,
      currency: 'usd',
      destination: input.destination,
      transfer_group: input.transferGroup,
      ...(input.sourceTransaction ? { source_transaction: input.sourceTransaction } : {}),
      metadata: input.metadata,
    },
    hold,
    amountCents: input.amountCents,
    taskId: input.taskId ?? null,
    userId: input.userId,
  });
  after.pendingCall(input.idempotencyKey);
  return true;
}
