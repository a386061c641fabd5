import { and, arrayContains, count, desc, eq, isNull, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { callbackSecrets, webhookDeliveries, webhookEndpoints } from '../schema';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type NewWebhookEndpoint = typeof webhookEndpoints.$inferInsert;

/** Whose endpoints a call reads: an account's, in one mode (endpoints are per mode, as Stripe's are). */
export interface EndpointOwner {
  id: string;
  livemode: boolean;
}

const live = (owner: EndpointOwner) =>
  and(eq(webhookEndpoints.userId, owner.id), eq(webhookEndpoints.livemode, owner.livemode), isNull(webhookEndpoints.deletedAt));

export async function insertWebhookEndpoint(tx: Tx, endpoint: NewWebhookEndpoint): Promise<WebhookEndpointRow> {
  const [row] = await tx.insert(webhookEndpoints).values(endpoint).returning();
  return row!;
}

export async function countLiveWebhookEndpoints(db: Db | Tx, owner: EndpointOwner): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhookEndpoints).where(live(owner));
  return row?.n ?? 0;
}

/** The account's live endpoints, newest first, and how many there are. */
export async function listLiveWebhookEndpoints(
  db: Db,
  owner: EndpointOwner,
  page: { limit: number; offset: number },
): Promise<{ rows: WebhookEndpointRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    db
      .select()
      .from(webhookEndpoints)
      .where(live(owner))
      .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
      .limit(page.limit)
      .offset(page.offset),
    countLiveWebhookEndpoints(db, owner),
  ]);
  return { rows, total };
}

export async function findLiveWebhookEndpoint(db: Db | Tx, owner: EndpointOwner, id: string): Promise<WebhookEndpointRow | null> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), live(owner)))
    .limit(1);
  return row ?? null;
}

/** The account's live endpoints of the event's mode that subscribe to `type`: the receivers of an event of that type. */
export function subscribedWebhookEndpoints(tx: Tx, owner: EndpointOwner, type: string): Promise<Pick<WebhookEndpointRow, 'id' | 'url'>[]> {
  return tx
    .select({ id: webhookEndpoints.id, url: webhookEndpoints.url })
    .from(webhookEndpoints)
    .where(and(live(owner), arrayContains(webhookEndpoints.events, [type])));
}

/** Stamps deleted_at and cancels what was still waiting to go there; false when there is no such live endpoint. */
export async function deleteWebhookEndpoint(tx: Tx, owner: EndpointOwner, id: string): Promise<boolean> {
  const [row] = await tx
    .update(webhookEndpoints)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(webhookEndpoints.id, id), live(owner)))
    .returning({ id: webhookEndpoints.id });
  if (!row) return false;
  await tx
    .update(webhookDeliveries)
    .set({ status: 'canceled', updatedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.status, 'pending')));
  return true;
}

/** `previous` while `expiresAt` is ahead of the database's clock, else null: the one clock every check uses. */
export const whileLive = (previous: AnyColumn, expiresAt: AnyColumn): SQL<string | null> =>
  sql<string | null>`case when ${expiresAt} > now() then ${previous} end`;

/** The columns a roll sets: `current` keeps signing for `overlapSeconds` (0: it stops now) beside `next`. */
function rolled(current: AnyColumn, next: string, overlapSeconds: number) {
  const overlap = overlapSeconds > 0;
  return {
    secret: next,
    previousSecret: overlap ? sql<string>`${current}` : null,
    previousSecretExpiresAt: overlap ? sql<Date>`now() + make_interval(secs => ${overlapSeconds})` : null,
  };
}

/** Replaces a live endpoint's secret with `next`; null when there is no such live endpoint. */
export async function rollWebhookEndpointSecret(
  db: Db,
  owner: EndpointOwner,
  id: string,
  next: string,
  overlapSeconds: number,
): Promise<WebhookEndpointRow | null> {
  const [row] = await db
    .update(webhookEndpoints)
    // In an UPDATE the right-hand side reads the row as it was, so previous_secret gets the replaced secret.
    .set(rolled(webhookEndpoints.secret, next, overlapSeconds))
    .where(and(eq(webhookEndpoints.id, id), live(owner)))
    .returning();
  return row ?? null;
}

export type CallbackSecretRow = typeof callbackSecrets.$inferSelect;

/** Replaces the account's callback secret with `next` (or makes it, for an account that had none yet). */
export async function rollCallbackSecret(db: Db, userId: string, next: string, overlapSeconds: number): Promise<CallbackSecretRow> {
  const [row] = await db
    .insert(callbackSecrets)
    .values({ userId, secret: next })
    .onConflictDoUpdate({ target: callbackSecrets.userId, set: rolled(callbackSecrets.secret, next, overlapSeconds) })
    .returning();
  return row!;
}

/** The secrets that sign the account's callbacks now, newest first; made with `candidate` if it has none yet. */
export async function callbackSigningSecrets(db: Db, userId: string, candidate: string): Promise<string[]> {
  await db.insert(callbackSecrets).values({ userId, secret: candidate }).onConflictDoNothing();
  const [row] = await db
    .select({ secret: callbackSecrets.secret, previous: whileLive(callbackSecrets.previousSecret, callbackSecrets.previousSecretExpiresAt) })
    .from(callbackSecrets)
    .where(eq(callbackSecrets.userId, userId));
  return [row!.secret, ...(row!.previous ? [row!.previous] : [])];
}

/** The account's callback signing secret, made with `candidate` if it has none yet (concurrent callers agree). */
export async function callbackSecretOf(db: Db | Tx, userId: string, candidate: string): Promise<string> {
  await db.insert(callbackSecrets).values({ userId, secret: candidate }).onConflictDoNothing();
  const [row] = await db.select({ secret: callbackSecrets.secret }).from(callbackSecrets).where(eq(callbackSecrets.userId, userId));
  return row!.secret;
}
