import { and, asc, count, desc, eq, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { webhookAttempts, webhookDeliveries, webhookEndpoints, webhookEvents } from '../schema';
import { whileLive } from './webhook-endpoints';

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
export type NewWebhookEvent = typeof webhookEvents.$inferInsert;
export type NewWebhookDelivery = typeof webhookDeliveries.$inferInsert;

const secondsFromNow = (seconds: number) => sql`now() + make_interval(secs => ${seconds})`;

export async function insertWebhookEvent(tx: Tx, event: NewWebhookEvent, deliveries: NewWebhookDelivery[]): Promise<void> {
  await tx.insert(webhookEvents).values(event);
  await tx.insert(webhookDeliveries).values(deliveries);
}

/** A delivery whose attempt this caller now holds, with what it needs to make it. */
export interface ClaimedDelivery {
  delivery: WebhookDeliveryRow;
  eventType: string;
  body: string;
  /** The client the event belongs to (signs callback_url deliveries with its callback secret). */
  userId: string;
  /** The endpoint's signing secrets, newest first (two while a rolled one has not expired); null for a callback_url delivery. */
  endpointSecrets: string[] | null;
  /** True when the delivery's endpoint was deleted after the event was written. */
  endpointDeleted: boolean;
}

/**
 * Takes the delivery's attempt for `lockSeconds`, if it is still pending, due (within `slackSeconds`), and no other
 * attempt holds it. Null otherwise: delivered, dead, canceled, not due yet, or running elsewhere.
 */
export async function claimDelivery(db: Db, id: string, lockSeconds: number, slackSeconds: number): Promise<ClaimedDelivery | null> {
  const [delivery] = await db
    .update(webhookDeliveries)
    .set({ lockedUntil: secondsFromNow(lockSeconds), updatedAt: sql`now()` })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        eq(webhookDeliveries.status, 'pending'),
        lte(webhookDeliveries.nextAttemptAt, secondsFromNow(slackSeconds)),
        or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, sql`now()`)),
      ),
    )
    .returning();
  if (!delivery) return null;
  const [context] = await db
    .select({
      type: webhookEvents.type,
      body: webhookEvents.body,
      userId: webhookEvents.userId,
      secret: webhookEndpoints.secret,
      previousSecret: whileLive(webhookEndpoints.previousSecret, webhookEndpoints.previousSecretExpiresAt),
      deletedAt: webhookEndpoints.deletedAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .leftJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, id));
  if (!context) throw new Error(`webhook event ${delivery.eventId} of delivery ${id} is missing`);
  return {
    delivery,
    eventType: context.type,
    body: context.body,
    userId: context.userId,
    endpointSecrets: context.secret === null ? null : [context.secret, ...(context.previousSecret ? [context.previousSecret] : [])],
    endpointDeleted: delivery.endpointId !== null && context.deletedAt !== null,
  };
}

export interface AttemptRecord {
  deliveryId: string;
  endpointId: string | null;
  attempt: number;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
  outcome: WebhookAttemptRow['outcome'];
  /** Set when the outcome is `failed`: the next attempt is due this many seconds from now. */
  retryInSeconds: number | null;
}

/** The attempt's row and the delivery's new state, together, releasing the claim. */
export async function recordAttempt(db: Db, record: AttemptRecord): Promise<void> {
  const nextAttemptAt = record.retryInSeconds === null ? null : secondsFromNow(record.retryInSeconds);
  await db.transaction(async (tx) => {
    await tx.insert(webhookAttempts).values({
      deliveryId: record.deliveryId,
      endpointId: record.endpointId,
      attempt: record.attempt,
      statusCode: record.statusCode,
      error: record.error,
      durationMs: record.durationMs,
      outcome: record.outcome,
      nextAttemptAt,
      attemptedAt: record.attemptedAt,
    });
    await tx
      .update(webhookDeliveries)
      .set({
        attempts: record.attempt,
        status: record.outcome === 'failed' ? 'pending' : record.outcome,
        lockedUntil: null,
        updatedAt: sql`now()`,
        ...(record.outcome === 'delivered' ? { deliveredAt: sql`now()` } : {}),
        // The retry is a new queue message, sent now.
        ...(nextAttemptAt ? { nextAttemptAt, enqueuedAt: sql`now()` } : {}),
      })
      .where(eq(webhookDeliveries.id, record.deliveryId));
  });
}

export async function cancelDelivery(db: Db, id: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: 'canceled', lockedUntil: null, updatedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, 'pending')));
}

/**
 * Pending deliveries nothing has happened to for `graceSeconds` past their due time and their last queue message:
 * the message was never sent (the isolate died after commit), or it was lost. Marks them sent again and returns
 * them; SKIP LOCKED keeps overlapping runs from taking the same rows.
 */
export async function takeStuckDeliveries(db: Db, graceSeconds: number, limit: number): Promise<{ id: string; url: string }[]> {
  const cutoff = sql`now() - make_interval(secs => ${graceSeconds})`;
  const stuck = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      and(
        eq(webhookDeliveries.status, 'pending'),
        lt(webhookDeliveries.nextAttemptAt, cutoff),
        lt(webhookDeliveries.enqueuedAt, cutoff),
        or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, sql`now()`)),
      ),
    )
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(webhookDeliveries)
    .set({ enqueuedAt: sql`now()`, updatedAt: sql`now()` })
    .where(inArray(webhookDeliveries.id, stuck))
    .returning({ id: webhookDeliveries.id, url: webhookDeliveries.url });
}

export interface AttemptListRow {
  attempt: WebhookAttemptRow;
  eventId: string;
  eventType: string;
  taskId: string;
}

/** `offset` rows in, or just after the attempt `startingAfter` (then offset is 0). */
type Page = { limit: number; offset: number; startingAfter?: number };

const attemptsJoined = (db: Db) =>
  db
    .select({ attempt: webhookAttempts, eventId: webhookEvents.id, eventType: webhookEvents.type, taskId: webhookEvents.taskId })
    .from(webhookAttempts)
    .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, webhookAttempts.deliveryId))
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId));

/**
 * Rows after the cursor attempt in (attempted_at desc, id desc) order, its position read by a subquery: attempted_at
 * has microseconds that a JS Date would round away.
 */
function afterAttempt(id: number | undefined): SQL | undefined {
  if (id === undefined) return undefined;
  return sql`(${webhookAttempts.attemptedAt}, ${webhookAttempts.id}) < (select c.attempted_at, c.id from ${webhookAttempts} c where c.id = ${id})`;
}

/**
 * Attempts matching `where` (over attempts, deliveries and events), newest first; how many there are; whether more
 * follows (after a cursor one extra row is read to know it); and whether the cursor is one of the list's attempts.
 */
async function listAttempts(db: Db, where: SQL | undefined, page: Page) {
  const cursor = page.startingAfter !== undefined;
  const [rows, [counted], cursorRows] = await Promise.all([
    attemptsJoined(db)
      .where(and(where, afterAttempt(page.startingAfter)))
      .orderBy(desc(webhookAttempts.attemptedAt), desc(webhookAttempts.id))
      .limit(cursor ? page.limit + 1 : page.limit)
      .offset(page.offset),
    db
      .select({ total: count() })
      .from(webhookAttempts)
      .innerJoin(webhookDeliveries, eq(webhookDeliveries.id, webhookAttempts.deliveryId))
      .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
      .where(where),
    cursor ? attemptsJoined(db).where(and(where, eq(webhookAttempts.id, page.startingAfter!))).limit(1) : Promise.resolve([null]),
  ]);
  const total = counted?.total ?? 0;
  const data: AttemptListRow[] = rows.slice(0, page.limit);
  const hasMore = cursor ? rows.length > page.limit : page.offset + data.length < total;
  return { rows: data, total, hasMore, cursorKnown: cursorRows.length > 0 };
}

/** An endpoint's attempts, newest first, and how many there are. */
export const listEndpointAttempts = (db: Db, endpointId: string, page: Page) => listAttempts(db, eq(webhookAttempts.endpointId, endpointId), page);

/** Every attempt to deliver a task's events, to its callback_url and to endpoints (deleted ones included), newest first. */
export const listTaskAttempts = (db: Db, taskId: string, page: Page) => listAttempts(db, eq(webhookEvents.taskId, taskId), page);

/** One delivery to the endpoint, with its event's type and task; null when the endpoint has no such delivery. */
export async function findEndpointDelivery(
  db: Db,
  endpointId: string,
  id: string,
): Promise<{ delivery: WebhookDeliveryRow; eventType: string; taskId: string } | null> {
  const [row] = await db
    .select({ delivery: webhookDeliveries, eventType: webhookEvents.type, taskId: webhookEvents.taskId })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.endpointId, endpointId)))
    .limit(1);
  return row ?? null;
}

/**
 * A new pending delivery of `original`'s event to the same endpoint at `url`. Null when one is already pending there:
 * the unique index on pending (event, endpoint) decides, so concurrent requests cannot both queue one.
 */
export async function insertRedelivery(db: Db, id: string, original: WebhookDeliveryRow, url: string): Promise<WebhookDeliveryRow | null> {
  const [row] = await db
    .insert(webhookDeliveries)
    .values({ id, eventId: original.eventId, endpointId: original.endpointId, url, redeliveryOf: original.id })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}
