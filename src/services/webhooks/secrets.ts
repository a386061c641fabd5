/**
 * Rolling signing secrets without a gap (docs/webhooks.md, "Rolling a secret"). A roll issues a new secret at once; the one it
 * replaces keeps signing beside it, as a second v1 in GoHireHumans-Signature, until it expires, so receivers can
 * deploy the new secret whenever they like within that window. Only the secret just replaced is kept: a secret still
 * overlapping from an earlier roll stops at the new roll, so a delivery never carries more than two signatures.
 * Expiry is read against the database's clock when each attempt is signed. Secrets are sealed at rest (secret-box.ts).
 */
import type { Db } from '../../db/client';
import {
  callbackSigningSecrets,
  rollCallbackSecret,
  rollWebhookEndpointSecret,
  type CallbackSecretRow,
  type EndpointOwner,
  type WebhookEndpointRow,
} from '../../db/queries/webhook-endpoints';
import type { AppEnv } from '../../env';
import { notFound } from '../../lib/errors';
import { callbackOwner, endpointOwner, openSecret, sealSecret } from './secret-box';
import { newSigningSecret } from './signature';

/** How long the replaced secret keeps signing when the caller does not say. */
export const DEFAULT_ROLL_OVERLAP_SECONDS = 24 * 60 * 60;
/** A week, as Stripe allows: long enough for a slow deploy, short enough that a leaked secret dies. */
export const MAX_ROLL_OVERLAP_SECONDS = 7 * 24 * 60 * 60;

/** The endpoint with its new secret in the clear, for the response. */
export async function rollEndpointSecret(db: Db, env: AppEnv, owner: EndpointOwner, id: string, overlapSeconds: number): Promise<WebhookEndpointRow> {
  const secret = newSigningSecret();
  const row = await rollWebhookEndpointSecret(db, owner, id, await sealSecret(env, secret, endpointOwner(id)), overlapSeconds);
  if (!row) throw notFound('Webhook endpoint');
  return { ...row, secret };
}

/** Also makes the account's first callback secret, if it had none: a roll always answers with a usable secret. */
export async function rollAccountCallbackSecret(db: Db, env: AppEnv, userId: string, overlapSeconds: number): Promise<CallbackSecretRow> {
  const secret = newSigningSecret();
  const row = await rollCallbackSecret(db, userId, await sealSecret(env, secret, callbackOwner(userId)), overlapSeconds);
  return { ...row, secret };
}

/** The secrets that sign the account's callback deliveries now, newest first. Throws UnreadableSecretError. */
export async function callbackSigningSecretsFor(db: Db, env: AppEnv, userId: string): Promise<string[]> {
  const owner = callbackOwner(userId);
  const stored = await callbackSigningSecrets(db, userId, await sealSecret(env, newSigningSecret(), owner));
  return openSecrets(env, stored, owner);
}

/** The secrets that sign an endpoint's deliveries, opened. Throws UnreadableSecretError. */
export const endpointSigningSecrets = (env: AppEnv, endpointId: string, stored: string[]): Promise<string[]> =>
  openSecrets(env, stored, endpointOwner(endpointId));

const openSecrets = (env: AppEnv, stored: string[], owner: string): Promise<string[]> =>
  Promise.all(stored.map((value) => openSecret(env, value, owner)));
