/**
 * POST /webhooks/stripe: signature, at-most-once processing, and the Connect account handler.
 * Bodies are signed the way Stripe signs them (generateTestHeaderStringAsync) with the suite's webhook secret.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, inject, it } from 'vitest';
import worker from '../src/index';
import { findStripeEvent } from '../src/db/queries/stripe-events';
import { stripeEvents, users } from '../src/db/schema';
import { newAccount } from './support/accounts';
import { BASE, call, env } from './support/api';
import { withDb } from './support/db';
import { deliver, fake, signatureFor, stripeEvent, testStripe } from './support/stripe';

const recorded = (id: string) => withDb((db) => findStripeEvent(db, id));
const me = async (token: string) => (await call('/auth/me', { token })).body;

describe('webhook: signature', () => {
  it('accepts a correctly signed event and records it; an unknown type is answered 200 and ignored', async () => {
    const event = stripeEvent('customer.created', { id: 'cus_test_1', object: 'customer' });
    const res = await deliver(event);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ received: true, duplicate: false });
    expect(await recorded(event.id)).toMatchObject({ type: 'customer.created', objectId: 'cus_test_1', outcome: 'ignored' });
  });

  it('answers 400 in the error shape, and records nothing, for a forged, stale, altered or missing signature', async () => {
    const forged = stripeEvent('customer.created', { id: 'cus_forged' });
    const stale = stripeEvent('customer.created', { id: 'cus_stale' });
    const altered = stripeEvent('customer.created', { id: 'cus_altered' });
    const unsigned = stripeEvent('customer.created', { id: 'cus_unsigned' });

    const responses = {
      forged: await deliver(forged, { secret: 'whsec_someone_else' }),
      stale: await deliver(stale, { timestamp: Math.floor(Date.now() / 1000) - 600 }),
      altered: await call('/webhooks/stripe', {
        body: JSON.stringify({ ...altered, type: 'account.updated' }),
        raw: true,
        headers: { 'Stripe-Signature': await signatureFor(JSON.stringify(altered)) },
      }),
      missing: await call('/webhooks/stripe', { body: JSON.stringify(unsigned), raw: true }),
    };
    for (const res of Object.values(responses)) {
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', request_id: res.headers.get('X-Request-Id') });
    }
    expect(responses.stale.body.error.message).toMatch(/tolerance/);
    expect(responses.missing.body.error.message).toMatch(/Missing Stripe-Signature/);
    for (const event of [forged, stale, altered, unsigned]) expect(await recorded(event.id)).toBeNull();
  });

  it('accepts any of several configured secrets (the platform endpoint\'s and the Connect endpoint\'s)', async () => {
    const connectSecret = 'whsec_connect_endpoint_secret';
    const twoSecrets = { ...env, STRIPE_WEBHOOK_SECRET: `${inject('stripeWebhookSecret')}, ${connectSecret}` };
    const event = stripeEvent('account.application.authorized', { id: 'ca_test_1' }, { account: 'acct_connected' });
    const payload = JSON.stringify(event);
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`${BASE}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Stripe-Signature': await signatureFor(payload, { secret: connectSecret }) },
        body: payload,
      }),
      twoSecrets,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(await recorded(event.id)).toMatchObject({ account: 'acct_connected', outcome: 'ignored' });
  });
});

describe('webhook: each event once', () => {
  it('answers a redelivered event 200 and changes nothing', async () => {
    const event = stripeEvent('customer.created', { id: 'cus_again' });
    expect((await deliver(event)).body).toEqual({ received: true, duplicate: false });
    const first = await recorded(event.id);
    expect((await deliver(event)).body).toEqual({ received: true, duplicate: true });
    expect(await recorded(event.id)).toEqual(first);
  });

  it('processes the same event delivered three times at once exactly once', async () => {
    const pro = await newAccount('professional');
    const account = await testStripe().accounts.create({ type: 'express', metadata: { user_id: pro.id } });
    const { event } = await fake(`/__accounts/${account.id}`, { payouts_enabled: true });
    const results = await Promise.all([deliver(event), deliver(event), deliver(event)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.map((r) => r.body.duplicate).sort()).toEqual([false, true, true]);
    const rows = await withDb((db) => db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.outcome).toBe('applied');
    expect((await me(pro.token)).professional).toMatchObject({ verified: true, payouts_enabled: true });
  });
});

describe('webhook: account.updated (Stripe Connect)', () => {
  it('verifies a professional and enables payouts when Stripe enables payouts on their account', async () => {
    const pro = await newAccount('professional');
    expect((await me(pro.token)).professional).toMatchObject({ verified: false, payouts_enabled: false });
    // The account is found by the user id we put in its metadata, even before its id was saved with the user.
    const account = await testStripe().accounts.create({ type: 'express', email: pro.email, metadata: { user_id: pro.id } });
    const { event } = await fake(`/__accounts/${account.id}`, { payouts_enabled: true, details_submitted: true, charges_enabled: true });
    const res = await deliver(event);
    expect(res.body).toEqual({ received: true, duplicate: false });
    expect(await recorded(event.id)).toMatchObject({ outcome: 'applied', account: account.id, objectId: account.id });
    expect((await me(pro.token)).professional).toMatchObject({ verified: true, payouts_enabled: true });
    const [row] = await withDb((db) => db.select().from(users).where(eq(users.id, pro.id)));
    expect(row!.stripeAccountId).toBe(account.id);
  });

  it('applies the newest account state whatever the delivery order; verification stays once earned', async () => {
    const pro = await newAccount('professional');
    const accountId = `acct_${Date.now().toString(36)}`;
    const now = Math.floor(Date.now() / 1000);
    const snapshot = (payouts: boolean, created: number) =>
      stripeEvent('account.updated', { id: accountId, object: 'account', payouts_enabled: payouts, metadata: { user_id: pro.id } }, { created, account: accountId });

    const newer = snapshot(true, now - 10);
    const older = snapshot(false, now - 60);
    await deliver(newer);
    await deliver(older); // arrives late: a stale snapshot, ignored
    expect(await recorded(older.id)).toMatchObject({ outcome: 'stale' });
    expect((await me(pro.token)).professional).toMatchObject({ verified: true, payouts_enabled: true });

    const paused = snapshot(false, now);
    await deliver(paused); // Stripe pauses payouts (say, a new requirement): payouts stop, verification stays
    expect(await recorded(paused.id)).toMatchObject({ outcome: 'applied' });
    expect((await me(pro.token)).professional).toMatchObject({ verified: true, payouts_enabled: false });
  });

  it('ignores an account it does not know, and one whose metadata names a non-professional', async () => {
    const stranger = stripeEvent('account.updated', { id: 'acct_nobody', object: 'account', payouts_enabled: true, metadata: {} });
    await deliver(stranger);
    expect(await recorded(stranger.id)).toMatchObject({ outcome: 'ignored' });

    const client = await newAccount('client');
    const misfiled = stripeEvent('account.updated', { id: 'acct_client', object: 'account', payouts_enabled: true, metadata: { user_id: client.id } });
    expect((await deliver(misfiled)).status).toBe(200);
    expect(await recorded(misfiled.id)).toMatchObject({ outcome: 'ignored' });
    const [row] = await withDb((db) => db.select().from(users).where(eq(users.id, client.id)));
    expect(row).toMatchObject({ stripeAccountId: null, verified: false, payoutsEnabled: false });
  });
});
