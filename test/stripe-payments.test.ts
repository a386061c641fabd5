/** The Stripe provider (what routes and services call) against the fake: what it sends, and what it makes of the answers. */
import { describe, expect, it } from 'vitest';
import { randomString } from '../src/lib/ids';
import { paymentsProvider } from '../src/services/payments/active-provider';
import { classifyStripeFailure } from '../src/services/payments/stripe-payments';
import { Stripe } from '../src/services/payments/stripe-client';
import { env } from './support/api';
import { fake, fakeRequests, testStripe } from './support/stripe';

describe('Stripe provider', () => {
  it('creates a Checkout Session naming the task, its transfer group and an idempotency key', async () => {
    const taskId = `task_${randomString(16)}`;
    const provider = paymentsProvider(env);
    expect(provider.mode).toBe('stripe');
    const expiresAt = new Date(Math.floor(Date.now() / 1000 + 3600) * 1000);
    const request = {
      amountCents: 15_000,
      currency: 'usd' as const,
      productName: 'Verify a storefront in person',
      clientReferenceId: taskId,
      metadata: { task_id: taskId, checkout_id: 'chk_test' },
      transferGroup: taskId,
      successUrl: 'https://agent.example/done',
      cancelUrl: 'https://agent.example/cancel',
      expiresAt,
      idempotencyKey: `checkout:${taskId}:1`,
    };
    const session = await provider.createCheckoutSession(request);
    expect(session).toEqual({ id: expect.stringMatching(/^cs_test_/), url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\//), expiresAt, simulated: false });

    const [sent] = await fakeRequests({ path: '/v1/checkout/sessions', idempotency_key: request.idempotencyKey });
    expect(sent!.params).toEqual({
      mode: 'payment',
      line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '15000', product_data: { name: 'Verify a storefront in person' } } }],
      client_reference_id: taskId,
      metadata: { task_id: taskId, checkout_id: 'chk_test' },
      payment_intent_data: { transfer_group: taskId, metadata: { task_id: taskId, checkout_id: 'chk_test' } },
      success_url: 'https://agent.example/done',
      cancel_url: 'https://agent.example/cancel',
      expires_at: String(expiresAt.getTime() / 1000),
    });
    // A retry of the same request (same key) gets the same session back.
    expect((await provider.createCheckoutSession(request)).id).toBe(session.id);

    await provider.expireCheckoutSession(session.id);
    expect((await testStripe().checkout.sessions.retrieve(session.id)).status).toBe('expired');
  });

  it('creates an Express account for a professional, keyed by the user, and an onboarding link', async () => {
    const userId = `usr_${randomString(16)}`;
    const provider = paymentsProvider(env);
    const account = await provider.createConnectAccount({ userId, email: 'pro@example.test' });
    expect(account).toEqual({ id: expect.stringMatching(/^acct_/), payoutsEnabled: false, simulated: false });
    expect((await provider.createConnectAccount({ userId, email: 'pro@example.test' })).id).toBe(account.id);
    const stored = await testStripe().accounts.retrieve(account.id);
    expect(stored).toMatchObject({ type: 'express', metadata: { user_id: userId }, capabilities: { transfers: 'inactive' } });

    const link = await provider.createOnboardingLink({ accountId: account.id, userId, refreshUrl: 'https://pro.example/retry', returnUrl: 'https://pro.example/done' });
    expect(link.url).toContain(account.id);
  });

  it('tells a failure worth retrying from one Stripe refused', async () => {
    const key = `classify:${randomString(8)}`;
    await fake('/__fail', { path: '/v1/accounts', idempotency_key: key, count: 1, status: 503 });
    const outage = await testStripe().accounts.create({ type: 'express' }, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(classifyStripeFailure(outage)).toMatchObject({ retryable: true, message: expect.stringContaining('StripeAPIError') });
    const refused = await testStripe().refunds.create({ payment_intent: 'pi_missing' }).catch((e: unknown) => e);
    expect(classifyStripeFailure(refused)).toMatchObject({ retryable: false });
    const broke = Stripe.errors.StripeError.generate({ type: 'invalid_request_error', code: 'balance_insufficient', message: 'Insufficient funds' });
    expect(classifyStripeFailure(Object.assign(broke, { statusCode: 400 }))).toMatchObject({ retryable: true });
    expect(classifyStripeFailure(new TypeError('fetch failed'))).toMatchObject({ retryable: true });
  });
});
