/**
 * The queue consumer. A message names one delivery; the delivery's row decides what happens, so the queue's
 * at-least-once copies are harmless:
 *   1. claim the attempt (still pending, due, and no other attempt running); otherwise ack and stop. A delivery a
 *      receiver answered 2xx is `delivered` and never claimed again.
 *   2. POST the event's body, signed, with a 10 s timeout, never following redirects.
 *   3. record the attempt and the delivery's new state, then ack (2xx), retry the message after the backoff
 *      (anything else), or ack a delivery out of attempts, marked `dead`.
 * The one duplicate left is a receiver that answered 2xx while the record of it failed: receivers dedupe on
 * GoHireHumans-Event-Id.
 */
import { openDb, type Db } from '../../db/client';
import { cancelDelivery, claimDelivery, recordAttempt, takeStuckDeliveries, type ClaimedDelivery } from '../../db/queries/webhook-deliveries';
import type { AppEnv } from '../../env';
import { ATTEMPT_TIMEOUT_MS, maxAttempts, retryBaseSeconds, retryDelaySeconds } from './config';
import { UnreadableSecretError } from './secret-box';
import { callbackSigningSecretsFor, endpointSigningSecrets } from './secrets';
import { enqueueDeliveries, type DeliveryMessage } from './queue';
import { SIGNATURE_HEADER, signatureHeader } from './signature';
import { deliveryUrlProblem } from './urls';

/** Outlasts one attempt (timeout plus the database writes around it); an attempt whose Worker died frees up after it. */
const CLAIM_SECONDS = ATTEMPT_TIMEOUT_MS / 1000 + 20;
/** A retried message may arrive a little before its row says the attempt is due. */
const EARLY_SECONDS = 5;
/** The cron sends a delivery again when nothing happened this long after it was due and after its last message. */
export const STUCK_AFTER_SECONDS = 5 * 60;
const REQUEUE_BATCH = 100;
const REQUEUE_MAX_BATCHES = 5;

interface PostResult {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
}

async function post(claimed: ClaimedDelivery, secrets: string[]): Promise<PostResult> {
  const attemptedAt = new Date();
  const { delivery, body } = claimed;
  try {
    const res = await fetch(delivery.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'GoHireHumans-Webhooks/1.0',
        'GoHireHumans-Event-Id': delivery.eventId,
        'GoHireHumans-Event-Type': claimed.eventType,
        [SIGNATURE_HEADER]: await signatureHeader(secrets, body, attemptedAt),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return { statusCode: res.status, error: null, durationMs: Date.now() - attemptedAt.getTime(), attemptedAt };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const reason = err instanceof Error ? err.message : String(err);
    const error = timedOut ? `No answer within ${ATTEMPT_TIMEOUT_MS / 1000} s.` : `Could not connect: ${reason}`;
    return { statusCode: null, error, durationMs: Date.now() - attemptedAt.getTime(), attemptedAt };
  }
}

/**
 * The delivery's signing secrets, or why they cannot be read. An unreadable one (tampered, or sealed under a key since
 * dropped) is recorded as a failed attempt like a receiver's error, so the schedule ends it instead of a loop of our
 * own errors; restoring the key lets a later attempt through.
 */
async function signingSecrets(db: Db, env: AppEnv, claimed: ClaimedDelivery): Promise<string[] | string> {
  try {
    const { delivery, endpointSecrets } = claimed;
    if (endpointSecrets && delivery.endpointId) return await endpointSigningSecrets(env, delivery.endpointId, endpointSecrets);
    return await callbackSigningSecretsFor(db, env, claimed.userId);
  } catch (err) {
    if (err instanceof UnreadableSecretError) return err.message;
    throw err;
  }
}

/** One attempt at the delivery, if it is due and free. Returns the seconds until the next attempt, or null when none. */
export async function attemptDelivery(db: Db, env: AppEnv, deliveryId: string): Promise<number | null> {
  const claimed = await claimDelivery(db, deliveryId, CLAIM_SECONDS, EARLY_SECONDS);
  if (!claimed) return null;
  const { delivery } = claimed;
  if (claimed.endpointDeleted) {
    await cancelDelivery(db, delivery.id);
    return null;
  }
  const attempt = delivery.attempts + 1;
  // Checked again here: an address refused in production never gets a request, and will not later either.
  const refused = deliveryUrlProblem(delivery.url, env);
  const secrets = refused ? null : await signingSecrets(db, env, claimed);
  const result: PostResult = Array.isArray(secrets)
    ? await post(claimed, secrets)
    : { statusCode: null, error: `Not sent: ${refused ?? secrets}`, durationMs: 0, attemptedAt: new Date() };
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const outcome = ok ? 'delivered' : refused || attempt >= maxAttempts(env) ? 'dead' : 'failed';
  const retryInSeconds = outcome === 'failed' ? retryDelaySeconds(attempt, retryBaseSeconds(env)) : null;
  await recordAttempt(db, { deliveryId: delivery.id, endpointId: delivery.endpointId, attempt, outcome, retryInSeconds, ...result });
  if (env.LOG_REQUESTS !== 'false') {
    console.log(JSON.stringify({ level: 'info', webhook_delivery: delivery.id, attempt, status: result.statusCode, outcome, ms: result.durationMs }));
  }
  return retryInSeconds;
}

async function deliverMessage(db: Db, env: AppEnv, message: Message<DeliveryMessage>): Promise<void> {
  try {
    const retryIn = await attemptDelivery(db, env, message.body.delivery_id);
    if (retryIn === null) message.ack();
    else message.retry({ delaySeconds: retryIn });
  } catch (err) {
    // Our side failed (the database, most likely), not the receiver: try again once any claim has lapsed.
    console.error(JSON.stringify({ level: 'error', webhook_delivery: message.body.delivery_id, message: String(err) }));
    message.retry({ delaySeconds: CLAIM_SECONDS });
  }
}

/** The Worker's `queue` handler. Messages for one URL go one after another, in queue order; URLs in parallel. */
export async function deliverBatch(batch: MessageBatch<DeliveryMessage>, env: AppEnv): Promise<void> {
  const byUrl = new Map<string, Message<DeliveryMessage>[]>();
  for (const message of batch.messages) byUrl.set(message.body.url, [...(byUrl.get(message.body.url) ?? []), message]);
  const handle = openDb(env);
  try {
    await Promise.all(
      [...byUrl.values()].map(async (messages) => {
        for (const message of messages) await deliverMessage(handle.db, env, message);
      }),
    );
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * Scheduled: sends again the deliveries whose message never left (the Worker stopped between commit and enqueue) or
 * was lost (dead-lettered after our own errors). Returns how many.
 */
export async function requeueStuckDeliveries(db: Db, env: AppEnv): Promise<number> {
  let sent = 0;
  for (let batch = 0; batch < REQUEUE_MAX_BATCHES; batch++) {
    const stuck = await takeStuckDeliveries(db, STUCK_AFTER_SECONDS, REQUEUE_BATCH);
    await enqueueDeliveries(env, stuck.map((d) => ({ delivery_id: d.id, url: d.url })));
    sent += stuck.length;
    if (stuck.length < REQUEUE_BATCH) break;
  }
  return sent;
}
