/**
 * Funding a task: a Stripe Checkout Session for its owner to pay. Callable without HTTP (the agent tools fund a
 * task through `createCheckout` too). The money itself is credited only by the webhook (checkout-events.ts).
 */
import type { Caller } from '../../context';
import type { Db, Tx } from '../../db/client';
import { findCheckout, insertCheckout, listTaskCheckouts, lockTask, type CheckoutRow } from '../../db/queries/checkouts';
import { findTask, type TaskRow } from '../../db/queries/tasks';
import type { AppEnv } from '../../env';
import { ApiError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { centsToUsd, MAX_TASK_CENTS, MAX_TASK_USD } from '../../lib/money';
import { assertWithinSpendingLimits } from '../spending-limits';
import { AfterCommitWork, type PaymentsContext } from './after-commit';
import { balanceFundings, checkoutOpened } from './escrow';
import { paySandboxCheckout } from '../sandbox/checkout';
import { inCallersMode } from '../tasks/access';
import { paymentsProvider, sandboxPayments } from './active-provider';
import { providerCall } from './provider';

/** Stripe's smallest charge in USD. */
export const MIN_CHECKOUT_CENTS = 50;
/**
 * How long a checkout can be paid: just under Stripe's 24-hour maximum, so the clocks of two machines cannot push
 * expires_at past what Stripe accepts. Long enough for an agent to hand the link to a person.
 */
export const CHECKOUT_TTL_SECONDS = 24 * 3600 - 10 * 60;

export interface CheckoutInput {
  taskId: string;
  amountCents: number;
  successUrl: string;
  cancelUrl: string;
}

const invalid = (path: string, message: string) => new ApiError('VALIDATION_ERROR', message, { details: [{ path, message }] });
const notOpen = (status: string, what: FundingWay = 'checkout') =>
  new ApiError('INVALID_STATE', `The task is ${status}; ${FUNDING_VERB[what]} needs it to be open.`, {
    details: [{ path: 'status', message: `current status: ${status}` }],
  });

/** The two ways money enters a task's escrow. */
export type FundingWay = 'checkout' | 'balance';
const FUNDING_VERB: Record<FundingWay, string> = { checkout: 'checkout', balance: 'funding from the balance' };

/**
 * The rules every way of funding a task shares: the task is open, a fixed-price task gets at least its budget, and
 * the task holds at most the per-task cap across its paid and open checkouts and its balance fundings. A checkout
 * also needs Stripe's smallest charge; a balance funding moves no card money, so any amount above zero will do.
 * Callers have checked the task is the caller's (404 otherwise).
 */
export async function checkFundingRequest(db: Db | Tx, task: TaskRow, amountCents: number, way: FundingWay): Promise<void> {
  if (task.status !== 'open') throw notOpen(task.status, way);
  checkFundingAmount(task, amountCents, way);
  const checkouts = (await listTaskCheckouts(db, task.id, ['paid', 'pending'])).reduce((sum, c) => sum + (c.paidCents ?? c.amountCents), 0);
  const fromBalance = (await balanceFundings(db, task)).reduce((sum, f) => sum + f.amountCents, 0);
  const committed = checkouts + fromBalance;
  if (committed + amountCents > MAX_TASK_CENTS) {
    throw invalid(
      'amount',
      `A task holds at most ${MAX_TASK_USD} USD; its paid and open checkouts and balance fundings already come to ${centsToUsd(committed)} USD.`,
    );
  }
}

/**
 * The rules on the amount alone, which need no task in the database: a quote (services/tasks/quote.ts) applies them
 * to a task not yet posted. 400 VALIDATION_ERROR on `amount`.
 */
export function checkFundingAmount(task: Pick<TaskRow, 'budgetType' | 'budgetCents'>, amountCents: number, way: FundingWay): void {
  if (way === 'checkout' && amountCents < MIN_CHECKOUT_CENTS) throw invalid('amount', 'Must be at least 0.50 USD (Stripe\'s smallest charge).');
  if (task.budgetType === 'fixed' && amountCents < task.budgetCents) {
    throw invalid('amount', `Must be at least the task's budget_amount (${centsToUsd(task.budgetCents)} USD).`);
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Where Stripe sends the payer back: absolute https, or plain http on a loopback host in development. */
export function checkRedirectUrl(env: AppEnv, field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, 'Must be an absolute URL.');
  }
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && env.ENVIRONMENT === 'development' && LOOPBACK.has(url.hostname)) return value;
  throw invalid(field, 'Must be an https URL (plain http only on a loopback host in development).');
}

/**
 * Opens a checkout for the task's owner. The task must be open; a fixed-price task needs at least its budget;
 * what the task's paid and open checkouts ask for together stays within the per-task cap. Stripe is called
 * first, outside any transaction; the checkout is then recorded under the task's lock, and if the task stopped
 * being open meanwhile, the session is expired again and the answer is 409. A checkout opened with an API key is
 * checked against the key's spending limits in that transaction; over them, the session is expired and the answer
 * is 403 SPENDING_LIMIT.
 */
export async function createCheckout(db: Db, ctx: PaymentsContext, caller: Caller, input: CheckoutInput): Promise<CheckoutRow> {
  const task = await findTask(db, input.taskId);
  if (!task || task.clientId !== caller.id || !inCallersMode(caller, task)) throw notFound('Task');
  await checkFundingRequest(db, task, input.amountCents, 'checkout');
  const successUrl = checkRedirectUrl(ctx.env, 'success_url', input.successUrl);
  const cancelUrl = checkRedirectUrl(ctx.env, 'cancel_url', input.cancelUrl);

  const id = newId('chk');
  // A test task is paid with test money through local payments, whichever backend runs (docs/sandbox.md).
  const provider = task.livemode ? paymentsProvider(ctx.env, ctx.origin) : sandboxPayments(ctx.env, ctx.origin);
  const session = await providerCall('create a checkout session', () =>
    provider.createCheckoutSession({
      amountCents: input.amountCents,
      currency: 'usd',
      productName: task.title,
      clientReferenceId: task.id,
      metadata: { task_id: task.id, checkout_id: id },
      transferGroup: task.id,
      successUrl,
      cancelUrl,
      expiresAt: new Date((Math.floor(Date.now() / 1000) + CHECKOUT_TTL_SECONDS) * 1000),
      idempotencyKey: `checkout:${id}`,
    }),
  );

  const after = new AfterCommitWork();
  const result = await db.transaction(async (tx) => {
    const locked = await lockTask(tx, task.id);
    if (!locked || locked.status !== 'open') {
      after.expireCheckout({ id, stripeSessionId: session.id });
      return { error: notOpen(locked?.status ?? 'gone') };
    }
    // The API key's spending limits (a no-op for JWT callers), checked and recorded once, here: the task's row is
    // locked first, then the key's, in the transaction that records the checkout. Refused (SPENDING_LIMIT, or the
    // key revoked meanwhile): nothing is recorded and the session just created is expired.
    try {
      await assertWithinSpendingLimits(tx, caller, input.amountCents, 'funding', task.id);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      after.expireCheckout({ id, stripeSessionId: session.id });
      return { error: err };
    }
    const checkout = await insertCheckout(tx, {
      id,
      taskId: task.id,
      clientId: caller.id,
      amountCents: input.amountCents,
      stripeSessionId: session.id,
      url: session.url,
      expiresAt: session.expiresAt,
      simulated: session.simulated,
      livemode: task.livemode,
    });
    await checkoutOpened(tx, locked);
    return { checkout };
  });
  after.schedule(ctx);
  if ('error' in result) throw result.error;
  // No one pays a test checkout by hand: the sandbox pays it as soon as it is recorded.
  if (!task.livemode) ctx.defer(() => paySandboxCheckout(ctx.env, session));
  return result.checkout;
}

/** A checkout, for the owner of its task; to anyone else it does not exist (404, as for tasks). */
export async function getCheckout(db: Db, caller: Caller, id: string): Promise<CheckoutRow> {
  const checkout = await findCheckout(db, id);
  if (!checkout || checkout.clientId !== caller.id || checkout.livemode !== caller.livemode) throw notFound('Checkout');
  return checkout;
}
