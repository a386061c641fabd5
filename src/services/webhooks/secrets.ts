/**
 * Rolling signing secrets without a gap (README, "Rolling a secret"). A roll issues a new secret at once; the one it
 * replaces keeps signing beside it, as a second v1 in GoHireHumans-Signature, until it expires, so receivers can
 * deploy the new secret whenever they like within that window. Only the secret just replaced is kept: a secret still
 * overlapping from an earlier roll stops at the new roll, so a delivery never carries more than two signatures.
 * Expiry is read against the database's clock when each attempt is signed.
 */
import type { Db } from '../../db/client';
import {
  callbackSigningSecrets,
  rollCallbackSecret,
  rollWebhookEndpointSecret,
  type CallbackSecretRow,
  type WebhookEndpointRow,
} from '../../db/queries/webhook-endpoints';
import { notFound } from '../../lib/errors';
import { newSigningSecret } from './signature';

/** How long the replaced secret keeps signing when the caller does not say. */
export const DEFAULT_ROLL_OVERLAP_SECONDS = 24 * 60 * 60;
/** A week, as Stripe allows: long enough for a slow deploy, short enough that a leaked secret dies. */
export const MAX_ROLL_OVERLAP_SECONDS = 7 * 24 * 60 * 60;

export async function rollEndpointSecret(db: Db, userId: string, id: string, overlapSeconds: number): Promise<WebhookEndpointRow> {
  const row = await rollWebhookEndpointSecret(db, userId, id, newSigningSecret(), overlapSeconds);
  if (!row) throw notFound('Webhook endpoint');
  return row;
}

/** Also makes the account's first callback secret, if it had none: a roll always answers with a usable secret. */
export const rollAccountCallbackSecret = (db: Db, userId: string, overlapSeconds: number): Promise<CallbackSecretRow> =>
  rollCallbackSecret(db, userId, newSigningSecret(), overlapSeconds);

/** The secrets that sign the account's callback deliveries now, newest first. */
export const callbackSigningSecretsFor = (db: Db, userId: string): Promise<string[]> => callbackSigningSecrets(db, userId, newSigningSecret());
