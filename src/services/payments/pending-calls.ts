/**
 * Outbound Stripe calls that move money (refunds, transfers, payouts). The rule: never call Stripe inside a
 * database transaction, never lose a call if the Worker dies. So a service records the call here, in the same
 * transaction as the ledger posting that moves the money into a hold account (pending_refund / pending_payout);
 * after commit the route makes the call (PaymentsContext.defer); the scheduled job retries whatever is still pending, with
 * backoff, until Stripe answers. The idempotency key (derived from what the call settles) makes every retry the
 * same request to Stripe, and a retry first looks for an object an earlier attempt made, so nothing is paid twice.
 * On success the hold account is settled to Stripe in the ledger. (A refund Stripe fails after accepting it comes
 * back by webhook: refund-events.ts.)
 */
import type { Db, Tx } from '../../db/client';
import type { AppEnv } from '../../env';
import {
  claimDueCall,
  insertPendingCall,
  listDueCallKeys,
  markCallFailedAttempt,
  markCallSucceeded,
  type PendingCallRow,
} from '../../db/queries/pending-calls';
import { availableAccount, loadAccount, post, stripeExternalAccount, type LedgerAccount } from '../ledger';
import { paymentsProvider } from './active-provider';
import { executeLocally } from './local-payments';
import type { MoneyCallKind, PaymentsProvider } from './provider';

/** How long one attempt owns a call. Longer than the Stripe client's timeout, so attempts never overlap. */
export const LEASE_SECONDS = 120;
const FIRST_RETRY_SECONDS = 30;
const MAX_RETRY_SECONDS = 3600;

/** Wait after the n-th failed attempt: 30 s, 1 min, 2 min, ... at most an hour. Never gives up on a retryable error. */
export function retryDelaySeconds(failedAttempts: number): number {
  return Math.min(FIRST_RETRY_SECONDS * 2 ** Math.max(0, failedAttempts - 1), MAX_RETRY_SECONDS);
}

export interface PendingCallInput {
  kind: MoneyCallKind;
  /** Derived from what the call settles: `release:<task>`, `refund:<task>:<payment>`. */
  idempotencyKey: string;
  /** Stripe's request parameters (amount in cents, currency, destination, payment_intent ...). */
  params: Record<string, unknown>;
  /** Connected account to act on (Stripe-Account header), for payouts. */
  stripeAccount?: string | null;
  /** Where the money waits while the call is in flight; settled to Stripe when it succeeds. Null: nothing to settle. */
  hold: LedgerAccount | null;
  amountCents: number;
  taskId?: string | null;
  userId?: string | null;
}

/** Records the call in the caller's transaction; false if this idempotency key was recorded before. */
export async function recordPendingCall(tx: Tx, input: PendingCallInput): Promise<boolean> {
  const metadata = { ...((input.params.metadata as Record<string, string> | undefined) ?? {}), idempotency_key: input.idempotencyKey };
  return insertPendingCall(tx, {
    kind: input.kind,
    idempotencyKey: input.idempotencyKey,
    params: { ...input.params, metadata },
    stripeAccount: input.stripeAccount ?? null,
    holdAccountId: input.hold?.id ?? null,
    // Money held in a test account is test money: its call is made by local payments (attemptPendingCall).
    livemode: input.hold?.livemode ?? true,
    amountCents: input.amountCents,
    taskId: input.taskId ?? null,
    userId: input.userId ?? null,
  });
}

export type AttemptResult = 'succeeded' | 'retrying' | 'failed' | 'not_due';

/** Ledger reference of the hold -> Stripe posting made when Stripe accepts a call. */
export const settlementReference = (idempotencyKey: string) => `settled:${idempotencyKey}`;

/**
 * The money held for the call leaves for Stripe (`settled:<key>`), once. Also used when a refund's failure is
 * reported before its attempt settled (refund-events.ts), which must settle it first to reverse it.
 */
export async function postSettlement(tx: Tx, call: PendingCallRow, stripeObjectId: string, simulated: boolean): Promise<void> {
  if (!call.holdAccountId) return;
  const hold = await loadAccount(tx, call.holdAccountId);
  if (!hold) throw new Error(`pending call ${call.idempotencyKey} names unknown ledger account ${call.holdAccountId}`);
  await post(tx, {
    reference: settlementReference(call.idempotencyKey),
    kind: 'settlement',
    taskId: call.taskId,
    userId: call.userId,
    memo: `${call.kind} ${stripeObjectId}`,
    simulated,
    entries: [
      { account: hold, amountCents: -call.amountCents },
      { account: stripeExternalAccount(hold.livemode), amountCents: call.amountCents },
    ],
  });
}

async function settle(db: Db, call: PendingCallRow, stripeObjectId: string, simulated: boolean): Promise<void> {
  await db.transaction(async (tx) => {
    // Only a call still pending settles: a refund whose failure event came first has already been settled and
    // reversed, and marked failed.
    if (!(await markCallSucceeded(tx, call.id, { stripeObjectId, simulated }))) return;
    await postSettlement(tx, call, stripeObjectId, simulated);
  });
}

/**
 * Stripe refused a transfer for good (say, the connected account lost its transfers capability): nothing left the
 * platform, so the earnings go back from pending_payout to the professional's available balance, where
 * POST /api/v1/payments/payouts can send them again once the account is fixed. Refunds are not given back: a refund
 * Stripe refuses usually means the payment was refunded some other way, which someone must look at.
 */
async function giveBackRefusedTransfer(db: Db, call: PendingCallRow, lastError: string, now?: Date): Promise<void> {
  await db.transaction(async (tx) => {
    if (!(await markCallFailedAttempt(tx, call.id, { lastError, retryInSeconds: null }, now))) return;
    const hold = call.holdAccountId ? await loadAccount(tx, call.holdAccountId) : null;
    if (!hold || hold.kind !== 'pending_payout' || !hold.userId) return;
    await post(tx, {
      reference: `reversed:${call.idempotencyKey}`,
      kind: 'reversal',
      taskId: call.taskId,
      userId: call.userId,
      memo: 'Transfer refused by Stripe; earnings returned to the available balance',
      entries: [
        { account: hold, amountCents: -call.amountCents },
        { account: availableAccount(hold.userId, hold.livemode), amountCents: call.amountCents },
      ],
    });
  });
}

/**
 * One attempt at one call, if it is due (`now` defaults to the database's clock). A call another runner holds,
 * or one already done, is 'not_due'.
 */
export async function attemptPendingCall(
  db: Db,
  provider: PaymentsProvider,
  idempotencyKey: string,
  now?: Date,
): Promise<AttemptResult> {
  const call = await claimDueCall(db, idempotencyKey, LEASE_SECONDS, now);
  if (!call) return 'not_due';
  // A test task's refund never reaches Stripe, even when Stripe runs: local payments answer it (docs/sandbox.md).
  const request = { kind: call.kind, params: call.params, idempotencyKey: call.idempotencyKey, stripeAccount: call.stripeAccount };
  const outcome = call.livemode ? await provider.execute(request, { retry: call.attempts > 1 }) : await executeLocally(request);
  if (outcome.ok) {
    await settle(db, call, outcome.id, outcome.simulated);
    return 'succeeded';
  }
  const retryInSeconds = outcome.retryable ? retryDelaySeconds(call.attempts) : null;
  if (retryInSeconds === null && call.kind === 'transfer') {
    await giveBackRefusedTransfer(db, call, outcome.message, now);
  } else {
    await markCallFailedAttempt(db, call.id, { lastError: outcome.message, retryInSeconds }, now);
  }
  console.error(
    JSON.stringify({
      level: outcome.retryable ? 'warn' : 'error',
      message: `stripe ${call.kind} ${call.idempotencyKey} attempt ${call.attempts} failed: ${outcome.message}`,
      retry_in_seconds: retryInSeconds,
    }),
  );
  return outcome.retryable ? 'retrying' : 'failed';
}

/** Every due call, oldest first, one at a time (Stripe's rate limits and a cron run's time are both finite). */
export async function runDuePendingCalls(
  db: Db,
  provider: PaymentsProvider,
  options: { now?: Date; limit?: number } = {},
): Promise<Record<AttemptResult, number>> {
  const counts: Record<AttemptResult, number> = { succeeded: 0, retrying: 0, failed: 0, not_due: 0 };
  for (const key of await listDueCallKeys(db, options.limit ?? 25, options.now)) {
    counts[await attemptPendingCall(db, provider, key, options.now)]++;
  }
  return counts;
}

/** The Cron Trigger's job: retry what is due. */
export async function retryPendingStripeCalls(db: Db, now: Date, env: AppEnv): Promise<void> {
  const counts = await runDuePendingCalls(db, paymentsProvider(env), { now });
  if (counts.succeeded + counts.retrying + counts.failed > 0) {
    console.log(JSON.stringify({ level: 'info', job: 'retry-pending-stripe-calls', ...counts }));
  }
}
