/** Talking to the Stripe fake from inside workerd, and delivering signed events to the Worker's webhook. */
import { inject } from 'vitest';
import { createStripeClient, STRIPE_API_VERSION, Stripe } from '../../src/services/payments/stripe-client';
import { call, env, type ApiResponse } from './api';

/** A test-side control call to the fake: GET without a body, POST with one. */
export async function fake<T = any>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${inject('stripeFakeUrl')}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = (await res.json()) as T;
  if (!res.ok) throw new Error(`stripe fake ${path}: ${res.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, any>;
  idempotency_key: string | null;
  stripe_account: string | null;
  stripe_version: string | null;
  status: number;
  replayed: boolean;
}

export async function fakeRequests(filter: { path?: string; method?: string; idempotency_key?: string }): Promise<RecordedRequest[]> {
  const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => e[1] !== undefined));
  return (await fake<{ data: RecordedRequest[] }>(`/__requests?${query}`)).data;
}

/** The SDK as the Worker builds it (fetch client, pinned version, pointed at the fake). */
export const testStripe = (options?: { maxNetworkRetries?: number }) => createStripeClient(env, options ?? { maxNetworkRetries: 0 });

export async function signatureFor(payload: string, options: { secret?: string; timestamp?: number } = {}): Promise<string> {
  return Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: options.secret ?? inject('stripeWebhookSecret'),
    timestamp: options.timestamp,
    cryptoProvider: Stripe.createSubtleCryptoProvider(),
  });
}

/** Signs an event as Stripe does and POSTs it to /webhooks/stripe. */
export async function deliver(event: object, options: { secret?: string; timestamp?: number; settle?: boolean } = {}): Promise<ApiResponse> {
  const payload = JSON.stringify(event);
  return call('/webhooks/stripe', {
    body: payload,
    raw: true,
    settle: options.settle,
    headers: { 'Stripe-Signature': await signatureFor(payload, options) },
  });
}

let sequence = 0;
/** An event built by hand, shaped like Stripe's, for types the fake does not emit. */
export function stripeEvent(type: string, object: { id: string } & Record<string, unknown>, extra: Record<string, unknown> = {}) {
  sequence += 1;
  return {
    id: `evt_test_${Date.now().toString(36)}${sequence}${Math.random().toString(36).slice(2, 10)}`,
    object: 'event',
    api_version: STRIPE_API_VERSION,
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    ...extra,
  };
}
