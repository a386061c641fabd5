/**
 * checkout.session.* webhooks: the only place escrow is credited.
 *
 *   completed, payment_status paid        -> credit escrow (`fund:<cs_...>`), the task is funded
 *   completed, unpaid (bank debit etc.)    -> note the payment; the checkout stays pending
 *   async_payment_succeeded               -> credit escrow, as above
 *   async_payment_failed / expired        -> the checkout fails / expires; nothing is credited
 *
 * Either of the two paying events may come first, or twice: the ledger reference `fund:<cs_...>` credits the
 * session once, and statuses only move forward, so every order ends in the same state. Each handler locks the task
 * row before touching its money, like every other writer of a task's escrow (see escrow.ts).
 */
import type { Tx } from '../../db/client';
import {
  adoptCheckout,
  endCheckout,
  findCheckoutBySession,
  lockTask,
  notePaymentIntent,
  type CheckoutRow,
} from '../../db/queries/checkouts';
import type { TaskRow } from '../../db/queries/tasks';
import { checkoutEnded, creditPayment } from './escrow';
import type { PaymentsProvider } from './provider';
import type { Stripe } from './stripe-client';
import type { EventContext, EventFacts, EventOutcome } from './stripe-event-handler';

type Session = Stripe.Checkout.Session;
type SessionEvent = { data: { object: Session } };

const paymentIntentOf = (session: Session): string | null =>
  typeof session.payment_intent === 'string' ? session.payment_intent : (session.payment_intent?.id ?? null);

/** Ours: a payment-mode session whose metadata names the checkout and task we opened it for. */
const isOurs = (session: Session) => session.mode === 'payment' && Boolean(session.metadata?.checkout_id && session.metadata.task_id);

/**
 * Before the transaction (Stripe is never called inside one): the charge of a paid session's payment, which a
 * transfer of the task's escrow names as its source_transaction.
 */
export async function lookUpCharge(event: SessionEvent, provider: PaymentsProvider): Promise<EventFacts> {
  const session = event.data.object;
  const paymentIntent = paymentIntentOf(session);
  if (!isOurs(session) || session.payment_status !== 'paid' || !paymentIntent) return {};
  return { chargeId: await provider.paymentCharge(paymentIntent) };
}

/**
 * The checkout this session belongs to, with its task locked. A session we made but never recorded (the request
 * died between Stripe's answer and our insert) is adopted from its metadata, so a payment on it is still credited.
 */
async function checkoutOf(tx: Tx, session: Session): Promise<{ checkout: CheckoutRow; task: TaskRow } | null> {
  if (!isOurs(session)) return null;
  const known = await findCheckoutBySession(tx, session.id);
  const task = await lockTask(tx, known?.taskId ?? session.metadata!.task_id!);
  if (!task) return null;
  if (known) return { checkout: known, task };
  const amount = session.amount_total ?? 0;
  if (amount <= 0) return null;
  await adoptCheckout(tx, {
    id: session.metadata!.checkout_id!,
    taskId: task.id,
    clientId: task.clientId,
    amountCents: amount,
    stripeSessionId: session.id,
    url: session.url ?? '',
    expiresAt: new Date(session.expires_at * 1000),
    simulated: session.id.startsWith('cs_local_'),
    livemode: task.livemode,
  });
  const adopted = await findCheckoutBySession(tx, session.id);
  return adopted ? { checkout: adopted, task } : null;
}

async function credit(tx: Tx, session: Session, ctx: EventContext): Promise<EventOutcome> {
  const found = await checkoutOf(tx, session);
  if (!found) return 'ignored';
  const credited = await creditPayment(
    tx,
    found.task,
    {
      checkout: found.checkout,
      paymentIntentId: paymentIntentOf(session),
      chargeId: ctx.facts.chargeId ?? null,
      amountCents: session.amount_total ?? found.checkout.amountCents,
      simulated: found.checkout.simulated,
    },
    ctx.after,
  );
  return credited ? 'applied' : 'stale';
}

async function end(tx: Tx, session: Session, status: 'expired' | 'failed'): Promise<EventOutcome> {
  const found = await checkoutOf(tx, session);
  if (!found) return 'ignored';
  if (!(await endCheckout(tx, found.checkout.id, status))) return 'stale';
  await checkoutEnded(tx, found.task);
  return 'applied';
}

export async function onCheckoutCompleted(tx: Tx, event: Stripe.CheckoutSessionCompletedEvent, ctx: EventContext): Promise<EventOutcome> {
  const session = event.data.object;
  if (session.payment_status === 'paid') return credit(tx, session, ctx);
  // Unpaid: an asynchronous payment method; async_payment_succeeded or _failed will follow.
  const found = await checkoutOf(tx, session);
  if (!found) return 'ignored';
  const paymentIntent = paymentIntentOf(session);
  return paymentIntent && (await notePaymentIntent(tx, found.checkout.id, paymentIntent)) ? 'applied' : 'stale';
}

export const onAsyncPaymentSucceeded = (tx: Tx, event: Stripe.CheckoutSessionAsyncPaymentSucceededEvent, ctx: EventContext) =>
  credit(tx, event.data.object, ctx);

export const onAsyncPaymentFailed = (tx: Tx, event: Stripe.CheckoutSessionAsyncPaymentFailedEvent) => end(tx, event.data.object, 'failed');

export const onCheckoutExpired = (tx: Tx, event: Stripe.CheckoutSessionExpiredEvent) => end(tx, event.data.object, 'expired');
