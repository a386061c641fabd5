/**
 * A client's webhook endpoints, and its callback signing secret. An endpoint's secret is sealed, not hashed (unlike
 * API keys): the Worker signs every delivery with it (secret-box.ts). It is shown in the create response only.
 */
import type { Db } from '../../db/client';
import { listEndpointAttempts } from '../../db/queries/webhook-deliveries';
import {
  callbackSecretOf,
  countLiveWebhookEndpoints,
  deleteWebhookEndpoint as deleteEndpointRow,
  findLiveWebhookEndpoint,
  insertWebhookEndpoint,
  listLiveWebhookEndpoints,
  type EndpointOwner,
  type WebhookEndpointRow,
} from '../../db/queries/webhook-endpoints';
import { lockUser } from '../../db/queries/users';
import type { AppEnv } from '../../env';
import { ApiError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './event-types';
import { callbackOwner, endpointOwner, openSecret, sealSecret } from './secret-box';
import { newSigningSecret } from './signature';
import { assertDeliveryUrl } from './urls';
import { pageOfAttempts, type AttemptPage } from './attempt-pages';

/** Each event is fanned out to every subscribed endpoint inside the transaction that makes it, so keep the list short. */
export const MAX_LIVE_ENDPOINTS = 10;

export interface NewEndpointInput {
  url: string;
  events: WebhookEventType[];
  description: string | null;
}

interface Page {
  limit: number;
  offset: number;
}

export async function createWebhookEndpoint(db: Db, env: AppEnv, owner: EndpointOwner, input: NewEndpointInput): Promise<WebhookEndpointRow> {
  assertDeliveryUrl(env, input.url, 'url');
  const id = newId('whe');
  const secret = newSigningSecret();
  const sealed = await sealSecret(env, secret, endpointOwner(id));
  const row = await db.transaction(async (tx) => {
    // Without the lock, concurrent requests would each count 9 live endpoints and each add a 10th.
    if (!(await lockUser(tx, owner.id))) throw new ApiError('UNAUTHORIZED', 'This account no longer exists.');
    if ((await countLiveWebhookEndpoints(tx, owner)) >= MAX_LIVE_ENDPOINTS) {
      throw new ApiError('CONFLICT', `An account can have at most ${MAX_LIVE_ENDPOINTS} webhook endpoints. Delete one first.`);
    }
    return insertWebhookEndpoint(tx, {
      id,
      userId: owner.id,
      livemode: owner.livemode,
      url: input.url,
      // One entry per type, in the documented order, however the client listed them.
      events: WEBHOOK_EVENT_TYPES.filter((type) => input.events.includes(type)),
      description: input.description,
      secret: sealed,
    });
  });
  return { ...row, secret };
}

export const listWebhookEndpoints = (db: Db, owner: EndpointOwner, page: Page) => listLiveWebhookEndpoints(db, owner, page);

/** The account's live endpoint; unknown, deleted and other accounts' endpoints are all 404. */
export async function getWebhookEndpoint(db: Db, owner: EndpointOwner, id: string): Promise<WebhookEndpointRow> {
  const row = await findLiveWebhookEndpoint(db, owner, id);
  if (!row) throw notFound('Webhook endpoint');
  return row;
}

/** Nothing more is sent there, including deliveries already waiting or being retried. */
export async function deleteWebhookEndpoint(db: Db, owner: EndpointOwner, id: string): Promise<void> {
  if (!(await db.transaction((tx) => deleteEndpointRow(tx, owner, id)))) throw notFound('Webhook endpoint');
}

export async function listEndpointDeliveries(db: Db, owner: EndpointOwner, id: string, page: AttemptPage) {
  await getWebhookEndpoint(db, owner, id);
  return pageOfAttempts(page, (at) => listEndpointAttempts(db, id, at));
}

/** The secret that signs deliveries to the account's tasks' callback_url, made the first time it is asked for. */
export async function callbackSecretFor(db: Db, env: AppEnv, userId: string): Promise<string> {
  const owner = callbackOwner(userId);
  return openSecret(env, await callbackSecretOf(db, userId, await sealSecret(env, newSigningSecret(), owner)), owner);
}
