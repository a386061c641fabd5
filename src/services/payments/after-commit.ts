/**
 * What a service needs to move money, and the work a transaction leaves for after its commit: Stripe calls, and the
 * queue messages of the webhook deliveries it wrote.
 *
 * Services never call Stripe inside a database transaction. A transaction that moves money records what Stripe
 * must do (a pending call, a checkout to expire) in an AfterCommit collector; once it has committed, the caller
 * hands `run` to `defer`, and the response does not wait for Stripe. Anything `run` does not finish is picked
 * up by the scheduled job (pending calls, webhook deliveries) or by Stripe's own events (checkouts expire by themselves).
 */
import { endCheckout } from '../../db/queries/checkouts';
import { openDb } from '../../db/client';
import type { AppEnv } from '../../env';
import { enqueueDeliveries, type DeliveryMessage } from '../webhooks/queue';
import { attemptPendingCall } from './pending-calls';
import { sandboxStep } from '../sandbox/wake';
import { paymentsProvider, providerForSession } from './active-provider';

export interface PaymentsContext {
  env: AppEnv;
  /**
   * The Worker's own origin (https://host). Local payments serve their checkout and onboarding pages there;
   * only routes that hand out such URLs need it.
   */
  origin?: string;
  /**
   * Starts work that outlives the answer, once the caller's writes are committed: at once under waitUntil in a plain
   * request; when the request's own transaction ends in one that carries an Idempotency-Key (a service's commit is
   * then only a savepoint); awaited by the cron.
   */
  defer(work: () => Promise<unknown>): void;
}

export interface AfterCommit {
  /** A pending Stripe call recorded in this transaction, to make as soon as it commits. */
  pendingCall(idempotencyKey: string): void;
  /** A checkout session to expire at Stripe once this transaction commits (its task stopped taking money). */
  expireCheckout(checkout: { id: string; stripeSessionId: string }): void;
  /** Webhook deliveries written in this transaction, to enqueue once it commits. */
  webhookDeliveries(messages: DeliveryMessage[]): void;
  /** A test task this transaction funded, moved or messaged: the sandbox professional looks at it once it commits. */
  sandboxTask(taskId: string): void;
}

export class AfterCommitWork implements AfterCommit {
  readonly pendingCalls: string[] = [];
  readonly checkoutsToExpire: { id: string; stripeSessionId: string }[] = [];
  readonly deliveries: DeliveryMessage[] = [];
  readonly sandboxTasks: string[] = [];

  pendingCall(idempotencyKey: string): void {
    this.pendingCalls.push(idempotencyKey);
  }

  expireCheckout(checkout: { id: string; stripeSessionId: string }): void {
    this.checkoutsToExpire.push({ id: checkout.id, stripeSessionId: checkout.stripeSessionId });
  }

  webhookDeliveries(messages: DeliveryMessage[]): void {
    this.deliveries.push(...messages);
  }

  sandboxTask(taskId: string): void {
    if (!this.sandboxTasks.includes(taskId)) this.sandboxTasks.push(taskId);
  }

  get isEmpty(): boolean {
    return this.pendingCalls.length === 0 && this.checkoutsToExpire.length === 0 && this.deliveries.length === 0 && this.sandboxTasks.length === 0;
  }

  /** Hands the work to `defer`, if there is any. */
  schedule(ctx: Pick<PaymentsContext, 'env' | 'defer'>): void {
    if (!this.isEmpty) ctx.defer(() => this.run(ctx.env));
  }

  /**
   * Runs with its own database handle (a request's is closed once the response is sent). Never throws: a call
   * that fails here is retried by the scheduled job, and a checkout we fail to expire expires at Stripe anyway
   * (if it is paid first, the payment is refunded because its task no longer takes money).
   */
  async run(env: AppEnv): Promise<void> {
    // First, and without the database: clients are waiting for these, and a failure only delays them until the cron.
    if (this.deliveries.length > 0) await enqueueDeliveries(env, this.deliveries).catch((err) => logFailure('enqueue webhook deliveries', err));
    await this.#moneyCalls(env);
    // Last: the sandbox's next step is a new move with after-commit work of its own.
    const step = sandboxStep();
    for (const taskId of step ? this.sandboxTasks : []) await step!(env, taskId).catch((err) => logFailure(`sandbox step for ${taskId}`, err));
  }

  async #moneyCalls(env: AppEnv): Promise<void> {
    if (this.pendingCalls.length === 0 && this.checkoutsToExpire.length === 0) return;
    const handle = openDb(env);
    try {
      const provider = paymentsProvider(env);
      for (const key of this.pendingCalls) {
        await attemptPendingCall(handle.db, provider, key).catch((err) => logFailure(`pending stripe call ${key}`, err));
      }
      for (const checkout of this.checkoutsToExpire) {
        try {
          // A test task's checkout is local even when Stripe runs (docs/sandbox.md).
          await providerForSession(env, checkout.stripeSessionId).expireCheckoutSession(checkout.stripeSessionId);
          await endCheckout(handle.db, checkout.id, 'expired');
        } catch (err) {
          // Typically: it was paid or expired meanwhile, and its own event says so (a payment is then refunded).
          logFailure(`expire checkout ${checkout.id}`, err, 'info');
        }
      }
    } catch (err) {
      logFailure('after-commit work', err);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}

function logFailure(what: string, err: unknown, level: 'warn' | 'info' = 'warn'): void {
  console.error(JSON.stringify({ level, message: `${what}: ${err instanceof Error ? err.message : String(err)}` }));
}
