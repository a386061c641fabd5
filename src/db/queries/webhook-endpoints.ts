import { and, arrayContains, count, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../client';
import { callbackSecrets, webhookDeliveries, webhookEndpoints } from '../schema';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type NewWebhookEndpoint = typeof webhookEndpoints.$inferInsert;

const live = (userId: string) => and(eq(webhookEndpoints.userId, userId), isNull(webhookEndpoints.deletedAt));

export async function insertWebhookEndpoint(tx: Tx, endpoint: NewWebhookEndpoint): Promise<WebhookEndpointRow> {
  const [row] = await tx.insert(webhookEndpoints).values(endpoint).returning();
  return row!;
}

export async function countLiveWebhookEndpoints(db: Db | Tx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(webhookEndpoints).where(live(userId));
  return row?.n ?? 0;
}

/** The account's live endpoints, newest first, and how many there are. */
export async function listLiveWebhookEndpoints(
  db: Db,
  userId: string,
  page: { limit: number; offset: number },
): Promise<{ rows: WebhookEndpointRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    db
      .select()
      .from(webhookEndpoints)
      .where(live(userId))
      .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
      .limit(page.limit)
      .offset(page.offset),
    countLiveWebhookEndpoints(db, userId),
  ]);
  return { rows, total };
}

export async function findLiveWebhookEndpoint(db: Db | Tx, userId: string, id: string): Promise<WebhookEndpointRow | null> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), live(userId)))
    .limit(1);
  return row ?? null;
}

/** The account's live endpoints that subscribe to `type`: the receivers of an event of that type. */
export function subscribedWebhookEndpoints(tx: Tx, userId: string, type: string): Promise<Pick<WebhookEndpointRow, 'id' | 'url'>[]> {
  return tx
    .select({ id: webhookEndpoints.id, url: webhookEndpoints.url })
    .from(webhookEndpoints)
    .where(and(live(userId), arrayContains(webhookEndpoints.events, [type])));
}

/** Stamps deleted_at and cancels what was still waiting to go there; false when there is no such live endpoint. */
export async function deleteWebhookEndpoint(tx: Tx, userId: string, id: string): Promise<boolean> {
  const [row] = await tx
    .update(webhookEndpoints)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(webhookEndpoints.id, id), live(userId)))
    .returning({ id: webhookEndpoints.id });
  if (!row) return false;
  await tx
    .update(webhookDeliveries)
    .set({ status: 'canceled', updatedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.endpointId, id), eq(webhookDeliveries.status, 'pending')));
  return true;
}

/** The account's callback signing secret, made with `candidate` if it has none yet (concurrent callers agree). */
export async function callbackSecretOf(db: Db | Tx, userId: string, candidate: string): Promise<string> {
  await db.insert(callbackSecrets).values({ userId, secret: candidate }).onConflictDoNothing();
  const [row] = await db.select({ secret: callbackSecrets.secret }).from(callbackSecrets).where(eq(callbackSecrets.userId, userId));
  return row!.secret;
}
