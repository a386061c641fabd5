/**
 * A client's available balance: money owed to them (a refund Stripe failed, a balance-funded escrow refunded). They
 * spend it on their own tasks (fundFromBalance); an operator who pays it back outside the platform records that
 * (recordBalanceReturn). Both take the available account's row lock before reading it, so two spends of one balance
 * at once are decided one after the other and together never take more than it holds; the ledger's non-negative
 * check is the backstop.
 */
import type { Caller } from '../../context';
import type { Db, Tx } from '../../db/client';
import { lockTask } from '../../db/queries/checkouts';
import { findTaskView, type TaskView } from '../../db/queries/tasks';
import { findUserById } from '../../db/queries/users';
import { ApiError, notFound } from '../../lib/errors';
import { randomString } from '../../lib/ids';
import { findTransactionByReference } from '../../db/queries/ledger';
import { usdText } from '../../lib/money';
import { availableAccount, lockedBalanceCents, post, STRIPE_EXTERNAL } from '../ledger';
import { assertWithinSpendingLimits } from '../spending-limits';
import { AfterCommitWork, type PaymentsContext } from './after-commit';
import { checkFundingRequest } from './checkout';
import { inCallersMode } from '../tasks/access';
import { creditFromBalance } from './escrow';


/** 409 INSUFFICIENT_BALANCE, after locking the balance: what was asked and what there is. */
async function takeFromBalance(tx: Tx, userId: string, amountCents: number, livemode = true): Promise<void> {
  const available = await lockedBalanceCents(tx, availableAccount(userId, livemode));
  if (available >= amountCents) return;
  throw new ApiError('INSUFFICIENT_BALANCE', `The available balance is ${usdText(available)}; ${usdText(amountCents)} does not fit.`, {
    details: [{ path: 'amount', message: `available_balance is ${usdText(available)}` }],
  });
}

export interface BalanceFundingInput {
  taskId: string;
  amountCents: number;
}

/**
 * Funds one of the caller's open tasks from their available balance, in one transaction: the task's row lock first
 * (like every writer of its money), the checkout's own rules on the locked task, the API key's spending limits (kind
 * `funding`, as a checkout: the key's row lock comes next), the balance under its row lock, then the ledger move and
 * the funding status with its task.funded event (escrow.ts). Returns the task as the transaction left it.
 */
export async function fundFromBalance(db: Db, ctx: PaymentsContext, caller: Caller, input: BalanceFundingInput): Promise<TaskView> {
  const after = new AfterCommitWork();
  const view = await db.transaction(async (tx) => {
    const task = await lockTask(tx, input.taskId);
    if (!task || task.clientId !== caller.id || !inCallersMode(caller, task)) throw notFound('Task');
    await checkFundingRequest(tx, task, input.amountCents, 'balance');
    await assertWithinSpendingLimits(tx, caller, input.amountCents, 'funding', task.id);
    // The task's mode is the caller's: a test task takes the test balance.
    await takeFromBalance(tx, caller.id, input.amountCents, task.livemode);
    const reference = `balance_funding:${randomString(20)}`;
    await creditFromBalance(tx, task, { reference, amountCents: input.amountCents, memo: 'Paid from your available balance' }, after);
    return findTaskView(tx, task.id);
  });
  after.schedule(ctx);
  if (!view) throw notFound('Task');
  return view;
}

export interface BalanceReturn {
  transactionId: string;
  userId: string;
  amountCents: number;
  note: string;
  /** The user's available balance once the return is recorded. */
  availableCents: number;
  createdAt: Date;
}

/**
 * An operator paid a user's available balance back outside the platform (a bank transfer, say): the ledger records
 * it leaving (available -> external:stripe, `manual_return`), with the operator's note, which the user reads in their
 * transactions. Never more than the balance holds (409 INSUFFICIENT_BALANCE).
 */
export async function recordBalanceReturn(db: Db, admin: Caller, userId: string, input: { amountCents: number; note: string }): Promise<BalanceReturn> {
  const user = await findUserById(db, userId);
  if (!user) throw notFound('User');
  return db.transaction(async (tx) => {
    await takeFromBalance(tx, user.id, input.amountCents);
    const reference = `manual_return:${randomString(20)}`;
    await post(tx, {
      reference,
      kind: 'manual_return',
      userId: user.id,
      memo: `Returned outside the platform: ${input.note}`,
      entries: [
        { account: availableAccount(user.id), amountCents: -input.amountCents },
        { account: STRIPE_EXTERNAL, amountCents: input.amountCents },
      ],
    });
    const txn = (await findTransactionByReference(tx, reference))!;
    const availableCents = await lockedBalanceCents(tx, availableAccount(user.id));
    // Who recorded it stays out of the user's line, but an operator's move on someone's money leaves a trace.
    console.log(JSON.stringify({ level: 'info', message: `balance return ${txn.id} recorded by admin ${admin.id}`, user_id: user.id, amount_cents: input.amountCents }));
    return { transactionId: txn.id, userId: user.id, amountCents: input.amountCents, note: input.note, availableCents, createdAt: txn.createdAt };
  });
}
