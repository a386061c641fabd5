/**
 * Local payments mode (development without Stripe keys): the Worker serves the checkout and onboarding pages
 * itself, and their buttons deliver correctly signed events to its own /webhooks/stripe.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { stripeEvents } from '../src/db/schema';
import { randomString } from '../src/lib/ids';
import worker from '../src/index';
import { paymentsMode, webhookSecret } from '../src/services/payments/config';
import { signEvent } from '../src/services/payments/local-events';
import { paymentsProvider } from '../src/services/payments/active-provider';
import type { CheckoutRequest } from '../src/services/payments/provider';
import { createStripeClient } from '../src/services/payments/stripe-client';
import { newAccount } from './support/accounts';
import { BASE, call, env } from './support/api';
import { withDb } from './support/db';
import { expectPageHeaders } from './support/pages';
import { fakeRequests, stripeEvent } from './support/stripe';
import { quickAccount, quickVerifiedProfessional, seedTaskBody } from './support/tasks';

const localEnv = { ...env, STRIPE_SECRET_KEY: undefined, STRIPE_WEBHOOK_SECRET: undefined, STRIPE_API_URL: undefined };

/** A request to the Worker running without Stripe keys. */
async function local(url: string, init: RequestInit = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(new URL(url, BASE), { redirect: 'manual', ...init }), localEnv, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const postForm = (url: string, fields: Record<string, string>) =>
  local(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

const checkoutRequest = (taskId: string, overrides: Partial<CheckoutRequest> = {}): CheckoutRequest => ({
  amountCents: 4999,
  currency: 'usd',
  productName: 'Translate a restaurant menu',
  clientReferenceId: taskId,
  metadata: { task_id: taskId },
  transferGroup: taskId,
  successUrl: 'https://agent.example/done?session={CHECKOUT_SESSION_ID}',
  cancelUrl: 'https://agent.example/cancel',
  expiresAt: new Date(Date.now() + 3600_000),
  idempotencyKey: `checkout:${taskId}`,
  ...overrides,
});

const eventsFor = (objectId: string) => withDb((db) => db.select().from(stripeEvents).where(eq(stripeEvents.objectId, objectId)));

describe('local payments: checkout', () => {
  it('serves a checkout page whose Pay button delivers a signed checkout.session.completed to the webhook', async () => {
    expect(paymentsMode(localEnv)).toBe('local');
    const taskId = `task_${randomString(16)}`;
    const provider = paymentsProvider(localEnv, BASE);
    const session = await provider.createCheckoutSession(checkoutRequest(taskId));
    expect(session).toMatchObject({ id: expect.stringMatching(/^cs_local_/), simulated: true });
    expect(session.url.startsWith(`${BASE}/local/checkout/${session.id}?t=`)).toBe(true);
    expect((await provider.createCheckoutSession(checkoutRequest(taskId))).id).toBe(session.id);

    const page = await local(session.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('Translate a restaurant menu');
    expect(page.text).toContain('$49.99');
    expect(page.text).toContain(`action="/local/checkout/${session.id}/pay"`);
    // The form posts here, then its redirect lands on success_url: form-action allows both, nothing else.
    expectPageHeaders(page.headers, ["'self'", 'https://agent.example']);

    const token = new URL(session.url).searchParams.get('t')!;
    const paid = await postForm(`/local/checkout/${session.id}/pay`, { t: token });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(`https://agent.example/done?session=${session.id}`);
    const [event] = await eventsFor(session.id);
    expect(event).toMatchObject({ id: expect.stringMatching(/^evt_local_/), type: 'checkout.session.completed' });

    // Pressing Pay again delivers the same event: recorded once.
    expect((await postForm(`/local/checkout/${session.id}/pay`, { t: token })).status).toBe(303);
    expect(await eventsFor(session.id)).toHaveLength(1);
  });

  it('refuses an altered link and an expired checkout', async () => {
    const taskId = `task_${randomString(16)}`;
    const session = await paymentsProvider(localEnv, BASE).createCheckoutSession(checkoutRequest(taskId));
    const token = new URL(session.url).searchParams.get('t')!;
    const [body, signature] = token.split('.');
    const forged = `${btoa(JSON.stringify({ id: session.id, amount_total: 1 })).replace(/=+$/, '')}.${signature}`;
    expect((await local(`/local/checkout/${session.id}?t=${forged}`)).status).toBe(404);
    expect((await local(`/local/checkout/cs_local_other?t=${token}`)).status).toBe(404);
    expect((await postForm(`/local/checkout/${session.id}/pay`, { t: `${body}.x${signature}` })).status).toBe(404);
    expect(await eventsFor(session.id)).toEqual([]);

    const expired = await paymentsProvider(localEnv, BASE).createCheckoutSession(
      checkoutRequest(`task_${randomString(16)}`, { expiresAt: new Date(Date.now() - 1000) }),
    );
    const gone = await local(expired.url);
    expect(gone.status).toBe(410);
    expectPageHeaders(gone.headers);
  });

  it('does not exist when Stripe keys are configured, and its signature is not Stripe\'s', async () => {
    const session = await paymentsProvider(localEnv, BASE).createCheckoutSession(checkoutRequest(`task_${randomString(16)}`));
    const keyed = await call(new URL(session.url).pathname + new URL(session.url).search);
    expect(keyed.status).toBe(404);
    expect(keyed.body.error.code).toBe('NOT_FOUND');

    // An event signed with the development secret is refused by a server that has its own webhook secret.
    const signed = await signEvent(localEnv, stripeEvent('checkout.session.completed', { id: 'cs_local_x' }));
    const res = await call('/webhooks/stripe', { body: signed.payload, raw: true, headers: { 'Stripe-Signature': signed.signature } });
    expect(res.status).toBe(400);
  });
});

describe('local payments: Connect', () => {
  it('simulates Express onboarding: the page delivers account.updated, which verifies the professional', async () => {
    const pro = await newAccount('professional');
    const provider = paymentsProvider(localEnv, BASE);
    const account = await provider.createConnectAccount({ userId: pro.id, email: pro.email });
    expect(account).toEqual({ id: expect.stringMatching(/^acct_local_/), payoutsEnabled: false, simulated: true });
    const link = await provider.createOnboardingLink({
      accountId: account.id,
      userId: pro.id,
      refreshUrl: 'https://pro.example/connect/retry',
      returnUrl: 'https://pro.example/connect/done',
    });
    const page = await local(link.url);
    expect(page.status).toBe(200);
    expect(page.text).toContain(account.id);
    expectPageHeaders(page.headers, ["'self'", 'https://pro.example']);

    const done = await postForm(`/local/connect/${account.id}/complete`, { t: new URL(link.url).searchParams.get('t')! });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('https://pro.example/connect/done');
    const applied = await withDb((db) =>
      db.select().from(stripeEvents).where(and(eq(stripeEvents.objectId, account.id), eq(stripeEvents.type, 'account.updated'))),
    );
    expect(applied.map((e) => e.outcome)).toEqual(['applied']);
    const me = await call('/auth/me', { token: pro.token });
    expect(me.body.professional).toMatchObject({ verified: true, payouts_enabled: true });
  });

  it('serves the default Connect return and refresh pages with the page headers', async () => {
    for (const path of ['/payments/connect/return', '/payments/connect/refresh']) {
      const page = await call(path);
      expect(page.status).toBe(200);
      expectPageHeaders(page.headers);
    }
  });
});

describe('local payments: a task from checkout to payout, through the app', () => {
  it('checkout gives a Pay page on the Worker; paying funds the task; approval pays a locally onboarded professional', async () => {
    const api = (path: string, token: string, body?: unknown) =>
      local(path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then((res) => ({ status: res.status, body: JSON.parse(res.text) }));
    const owner = await quickAccount('ai_client');
    const task = await api('/api/v1/tasks', owner.token, seedTaskBody({ budget_amount: 12.5 }));
    expect(task.status).toBe(201);
    const checkout = await api('/api/v1/payments/checkout', owner.token, {
      task_id: task.body.id,
      amount: 12.5,
      success_url: 'http://127.0.0.1:8799/funded',
      cancel_url: 'http://127.0.0.1:8799/canceled',
    });
    expect(checkout.status).toBe(201);
    expect(checkout.body.checkout_url.startsWith(`${BASE}/local/checkout/cs_local_`)).toBe(true);

    const page = await local(checkout.body.checkout_url);
    expect(page.status).toBe(200);
    expect(page.text).toContain('$12.50');
    const url = new URL(checkout.body.checkout_url);
    const paid = await postForm(`${url.pathname}/pay`, { t: url.searchParams.get('t')! });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe('http://127.0.0.1:8799/funded');
    expect((await api(`/api/v1/tasks/${task.body.id}`, owner.token)).body.funding).toEqual({ status: 'funded', escrow_amount: 12.5 });
    const [funding] = (await api('/api/v1/payments/transactions', owner.token)).body.data;
    expect(funding).toMatchObject({ type: 'funding', account: 'escrow', amount: 12.5, simulated: true });

    // A professional onboards on the local Connect page, takes the task, delivers; approval transfers (simulated).
    const pro = await quickVerifiedProfessional();
    const onboarding = await api('/api/v1/payments/connect', pro.token, {});
    expect(onboarding.body.account_id).toMatch(/^acct_local_/);
    const link = new URL(onboarding.body.url);
    expect((await postForm(`/local/connect/${onboarding.body.account_id}/complete`, { t: link.searchParams.get('t')! })).status).toBe(303);
    expect((await api(`/api/v1/tasks/${task.body.id}/accept`, pro.token, {})).status).toBe(200);
    expect((await api(`/api/v1/tasks/${task.body.id}/submit`, pro.token, { text: 'Booked.' })).status).toBe(200);
    expect((await api(`/api/v1/tasks/${task.body.id}/approve`, owner.token, {})).body.funding).toEqual({ status: 'released', escrow_amount: 0 });
    expect((await api('/api/v1/payments/balance', pro.token)).body).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    const proLines = (await api('/api/v1/payments/transactions', pro.token)).body.data;
    expect(proLines[0]).toMatchObject({ type: 'settlement', account: 'pending_payout', amount: -12.37, simulated: true });
    expect(await fakeRequests({ idempotency_key: `release:${task.body.id}` })).toEqual([]);
  });
});

describe('payments configuration', () => {
  it('never runs local payments in production, and never sends the key to another host there', () => {
    const production = { ...env, ENVIRONMENT: 'production', STRIPE_SECRET_KEY: undefined, STRIPE_WEBHOOK_SECRET: undefined };
    expect(() => paymentsProvider(production)).toThrow(expect.objectContaining({ code: 'PAYMENTS_UNAVAILABLE' }));
    expect(() => webhookSecret(production)).toThrow(expect.objectContaining({ code: 'PAYMENTS_UNAVAILABLE' }));
    expect(() => createStripeClient({ ...env, ENVIRONMENT: 'production' })).toThrow(/STRIPE_API_URL/);
    expect(paymentsMode({ ...env, ENVIRONMENT: 'production' })).toBe('stripe');
  });
});
