/**
 * The Stripe fake, exercised through the real SDK exactly as the Worker uses it. These pin down the wire behaviour
 * the payment code relies on (shapes, idempotency, errors), so a wrong assumption shows up here first.
 */
import { describe, expect, it } from 'vitest';
import { STRIPE_API_VERSION, Stripe } from '../src/services/payments/stripe-client';
import { randomString } from '../src/lib/ids';
import { fake, fakeRequests, testStripe } from './support/stripe';
import { env } from './support/api';

const checkoutParams = (taskId: string, amount = 4999): Stripe.Checkout.SessionCreateParams => ({
  mode: 'payment',
  line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: amount, product_data: { name: `Task ${taskId}` } } }],
  client_reference_id: taskId,
  metadata: { task_id: taskId },
  payment_intent_data: { transfer_group: taskId, metadata: { task_id: taskId } },
  success_url: 'https://agent.example/done?session={CHECKOUT_SESSION_ID}',
  cancel_url: 'https://agent.example/cancel',
});

const newTaskId = () => `task_${randomString(16)}`;

describe('stripe fake: checkout sessions', () => {
  it('creates an open, unpaid session shaped like Stripe\'s, with the pinned API version on the wire', async () => {
    const taskId = newTaskId();
    const key = `checkout:${taskId}`;
    const session = await testStripe().checkout.sessions.create(checkoutParams(taskId), { idempotencyKey: key });
    expect(session).toMatchObject({
      id: expect.stringMatching(/^cs_test_/),
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 4999,
      currency: 'usd',
      client_reference_id: taskId,
      metadata: { task_id: taskId },
      payment_intent: null,
      url: expect.stringMatching(/^https:\/\/checkout\.stripe\.com\//),
    });
    expect(session.expires_at).toBeGreaterThan(Date.now() / 1000 + 23 * 3600);
    expect(await testStripe().checkout.sessions.retrieve(session.id)).toEqual(session);

    const [seen] = await fakeRequests({ path: '/v1/checkout/sessions', idempotency_key: key });
    expect(seen).toMatchObject({ method: 'POST', stripe_version: STRIPE_API_VERSION, status: 200 });
    expect(seen!.params.payment_intent_data).toEqual({ transfer_group: taskId, metadata: { task_id: taskId } });
  });

  it('answers the same idempotency key and parameters with the same session, and refuses other parameters', async () => {
    const taskId = newTaskId();
    const key = `checkout:${taskId}`;
    const first = await testStripe().checkout.sessions.create(checkoutParams(taskId), { idempotencyKey: key });
    const again = await testStripe().checkout.sessions.create(checkoutParams(taskId), { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    const requests = await fakeRequests({ idempotency_key: key });
    expect(requests.map((r) => r.replayed)).toEqual([false, true]);

    const other = testStripe().checkout.sessions.create(checkoutParams(taskId, 5000), { idempotencyKey: key });
    await expect(other).rejects.toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
  });

  it('rejects a wrong API key and bad parameters the way Stripe does', async () => {
    const stranger = new Stripe('sk_test_not_the_key', {
      httpClient: Stripe.createFetchHttpClient(),
      host: '127.0.0.1',
      port: new URL(env.STRIPE_API_URL!).port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    await expect(stranger.checkout.sessions.create(checkoutParams(newTaskId()))).rejects.toMatchObject({
      type: 'StripeAuthenticationError',
      statusCode: 401,
    });
    await expect(testStripe().checkout.sessions.create(checkoutParams(newTaskId(), 10))).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'amount_too_small',
    });
    await expect(testStripe().checkout.sessions.retrieve('cs_test_nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
  });

  it('pays a session: a payment intent and charge carrying the transfer group, and a checkout.session.completed event', async () => {
    const taskId = newTaskId();
    const session = await testStripe().checkout.sessions.create(checkoutParams(taskId));
    const { event } = await fake(`/__pay/${session.id}`, {});
    expect(event).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      object: 'event',
      type: 'checkout.session.completed',
      api_version: STRIPE_API_VERSION,
      data: { object: { id: session.id, status: 'complete', payment_status: 'paid', payment_intent: expect.stringMatching(/^pi_/) } },
    });
    const intent = await testStripe().paymentIntents.retrieve(event.data.object.payment_intent);
    expect(intent).toMatchObject({ status: 'succeeded', amount: 4999, transfer_group: taskId, metadata: { task_id: taskId } });
    expect(intent.latest_charge).toMatch(/^ch_/);
    expect(await fake(`/__totals?transfer_group=${taskId}`)).toEqual({ collected: 4999, refunded: 0, transferred: 0 });
  });

  it('runs an async payment: completed unpaid first, then async_payment_succeeded (or _failed)', async () => {
    const paid = await testStripe().checkout.sessions.create(checkoutParams(newTaskId()));
    const completed = (await fake(`/__pay/${paid.id}`, { async: true })).event;
    expect(completed.data.object).toMatchObject({ status: 'complete', payment_status: 'unpaid' });
    const succeeded = (await fake(`/__async/${paid.id}`, { outcome: 'succeeded' })).event;
    expect(succeeded).toMatchObject({ type: 'checkout.session.async_payment_succeeded', data: { object: { payment_status: 'paid' } } });

    const failing = await testStripe().checkout.sessions.create(checkoutParams(newTaskId()));
    await fake(`/__pay/${failing.id}`, { async: true });
    const failed = (await fake(`/__async/${failing.id}`, { outcome: 'failed' })).event;
    expect(failed).toMatchObject({ type: 'checkout.session.async_payment_failed', data: { object: { payment_status: 'unpaid' } } });
  });

  it('expires an open session (API or control) and emits checkout.session.expired', async () => {
    const viaApi = await testStripe().checkout.sessions.create(checkoutParams(newTaskId()));
    expect(await testStripe().checkout.sessions.expire(viaApi.id)).toMatchObject({ status: 'expired', url: null });
    await expect(testStripe().checkout.sessions.expire(viaApi.id)).rejects.toMatchObject({ statusCode: 400 });
    const viaControl = await testStripe().checkout.sessions.create(checkoutParams(newTaskId()));
    const { event } = await fake(`/__expire/${viaControl.id}`, {});
    expect(event).toMatchObject({ type: 'checkout.session.expired', data: { object: { id: viaControl.id, status: 'expired' } } });
  });
});

describe('stripe fake: refunds, Connect, transfers, payouts', () => {
  async function paidIntent(taskId: string, amount = 10_000) {
    const session = await testStripe().checkout.sessions.create(checkoutParams(taskId, amount));
    const { event } = await fake(`/__pay/${session.id}`, {});
    const intent = await testStripe().paymentIntents.retrieve(event.data.object.payment_intent);
    return { intentId: intent.id, chargeId: intent.latest_charge as string };
  }

  it('refunds part then the rest of a payment, refuses more, and emits charge.refunded', async () => {
    const taskId = newTaskId();
    const { intentId } = await paidIntent(taskId);
    const part = await testStripe().refunds.create({ payment_intent: intentId, amount: 2500 });
    expect(part).toMatchObject({ object: 'refund', id: expect.stringMatching(/^re_/), amount: 2500, status: 'succeeded', payment_intent: intentId });
    await expect(testStripe().refunds.create({ payment_intent: intentId, amount: 8000 })).rejects.toMatchObject({ code: 'amount_too_large' });
    const rest = await testStripe().refunds.create({ payment_intent: intentId });
    expect(rest.amount).toBe(7500);
    await expect(testStripe().refunds.create({ payment_intent: intentId })).rejects.toMatchObject({ code: 'charge_already_refunded' });
    expect((await testStripe().refunds.list({ payment_intent: intentId })).data.map((r) => r.id)).toEqual([rest.id, part.id]);
    expect(await fake(`/__totals?transfer_group=${taskId}`)).toEqual({ collected: 10_000, refunded: 10_000, transferred: 0 });
  });

  it('onboards an Express account; transfers need active transfers; payouts run on the connected account', async () => {
    const taskId = newTaskId();
    const { chargeId } = await paidIntent(taskId);
    const account = await testStripe().accounts.create({ type: 'express', email: 'pro@example.test', capabilities: { transfers: { requested: true } }, metadata: { user_id: 'usr_x' } });
    expect(account).toMatchObject({ object: 'account', type: 'express', payouts_enabled: false, capabilities: { transfers: 'inactive' } });
    const link = await testStripe().accountLinks.create({ account: account.id, type: 'account_onboarding', refresh_url: 'https://a.example/r', return_url: 'https://a.example/done' });
    expect(link).toMatchObject({ object: 'account_link', url: expect.stringContaining(account.id) });

    const transfer = { amount: 9900, currency: 'usd', destination: account.id, source_transaction: chargeId, transfer_group: taskId };
    await expect(testStripe().transfers.create(transfer)).rejects.toMatchObject({ code: 'insufficient_capabilities_for_transfer' });
    const { event } = await fake(`/__accounts/${account.id}`, { payouts_enabled: true, details_submitted: true, charges_enabled: true });
    expect(event).toMatchObject({ type: 'account.updated', account: account.id, data: { object: { payouts_enabled: true }, previous_attributes: { payouts_enabled: false } } });

    const made = await testStripe().transfers.create(transfer);
    expect(made).toMatchObject({ object: 'transfer', id: expect.stringMatching(/^tr_/), amount: 9900, destination: account.id, source_transaction: chargeId, transfer_group: taskId });
    await expect(testStripe().transfers.create({ ...transfer, amount: 200 })).rejects.toMatchObject({ statusCode: 400 });

    const payout = await testStripe().payouts.create({ amount: 9900, currency: 'usd' }, { stripeAccount: account.id, idempotencyKey: `payout:${taskId}` });
    expect(payout).toMatchObject({ object: 'payout', status: 'pending', amount: 9900 });
    const [seen] = await fakeRequests({ idempotency_key: `payout:${taskId}` });
    expect(seen!.stripe_account).toBe(account.id);
    await expect(testStripe().payouts.create({ amount: 1, currency: 'usd' }, { stripeAccount: account.id })).rejects.toMatchObject({ code: 'balance_insufficient' });
  });

  it('answers 500 to the next calls a test asks to fail, without saving the idempotency key', async () => {
    const key = `fail-test:${randomString(10)}`;
    await fake('/__fail', { path: '/v1/accounts', idempotency_key: key, count: 1 });
    await expect(testStripe().accounts.create({ type: 'express' }, { idempotencyKey: key })).rejects.toMatchObject({ type: 'StripeAPIError', statusCode: 500 });
    const account = await testStripe().accounts.create({ type: 'express' }, { idempotencyKey: key });
    expect(account.id).toMatch(/^acct_/);
    expect((await fakeRequests({ idempotency_key: key })).map((r) => [r.status, r.replayed])).toEqual([[500, false], [200, false]]);
  });
});
