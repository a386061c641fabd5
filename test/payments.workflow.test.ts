/**
 * The seed's workflow with the money really moving: checkout on Stripe (the fake), the signed webhook crediting
 * escrow, approval releasing it to the professional less the 1% fee, and the transfer to their connected account.
 */
import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import { newAccount, uniqueEmail } from './support/accounts';
import { act, balanceOf, payableProfessional, pendingCall } from './support/payments';
import { deliver, fake, fakeRequests } from './support/stripe';
import { createTask, fundTask, openCheckout, quickAccount, quickVerifiedProfessional, seedTaskBody } from './support/tasks';

const post = (path: string, token: string, body?: unknown) => call(path, { method: 'POST', token, body, settle: true });

describe('the seed workflow, with money', () => {
  it('checkout, signed webhook, funded escrow; accept, submit, approve; the professional earns the amount less 1%', async () => {
    const email = uniqueEmail('agent');
    await call('/auth/register', { body: { email, password: 'agent-password', full_name: 'Research Agent', role: 'ai_client' } });
    const agent = { token: (await call('/auth/login', { body: { email, password: 'agent-password' } })).body.access_token as string };
    const created = await post('/api/v1/tasks', agent.token, seedTaskBody({ title: 'Research competitors', category: 'research_analysis', budget_amount: 50 }));
    expect(created.body).toMatchObject({ status: 'open', funding: { status: 'unfunded', escrow_amount: 0 } });
    const taskId = created.body.id as string;

    // Step 3: fund it via checkout. The checkout answers first; the task waits for Stripe's word.
    const { checkout, sessionId } = await openCheckout(agent, taskId, 50);
    expect(checkout).toEqual({
      id: expect.stringMatching(/^chk_[0-9A-Za-z]{16}$/),
      task_id: taskId,
      amount: 50,
      currency: 'usd',
      status: 'pending',
      checkout_url: `https://checkout.stripe.com/c/pay/${sessionId}`,
      expires_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      livemode: true,
    });
    expect((await call(`/api/v1/tasks/${taskId}`, { token: agent.token })).body.funding).toEqual({ status: 'pending', escrow_amount: 0 });
    expect(await balanceOf(agent)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });

    // The payer pays on Stripe's page; Stripe sends a signed checkout.session.completed.
    const { event } = await fake(`/__pay/${sessionId}`, {});
    expect(event).toMatchObject({ type: 'checkout.session.completed', data: { object: { payment_status: 'paid', client_reference_id: taskId } } });
    expect((await deliver(event)).body).toEqual({ received: true, duplicate: false });
    const funded = await call(`/api/v1/tasks/${taskId}`, { token: agent.token });
    expect(funded.body).toMatchObject({ status: 'open', funding: { status: 'funded', escrow_amount: 50 } });
    expect(await balanceOf(agent)).toEqual({ available_balance: 0, escrow_balance: 50, pending_balance: 0, currency: 'usd' });

    // A verified professional takes it, delivers; the agent approves.
    const pro = await quickVerifiedProfessional('Sarah Miller');
    await act(taskId, 'accept', pro);
    await act(taskId, 'submit', pro, { text: 'Competitor analysis complete: three rivals, pricing attached.' });
    const approved = await act(taskId, 'approve', agent, { rating: 5 });
    expect(approved).toMatchObject({ status: 'completed', funding: { status: 'released', escrow_amount: 0 } });

    // Payouts are not enabled for this professional: the earnings wait in their available balance.
    expect(await balanceOf(pro)).toEqual({ available_balance: 49.5, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    expect((await call('/auth/me', { token: pro.token })).body.balance).toBe(49.5);
    expect(await balanceOf(agent)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    expect(await fakeRequests({ idempotency_key: `release:${taskId}` })).toEqual([]);

    // Both sides can read what happened, newest first.
    const clientLines = (await call('/api/v1/payments/transactions', { token: agent.token })).body;
    expect(clientLines).toMatchObject({ total: 2, limit: 20, offset: 0, has_more: false });
    expect(clientLines.data.map((l: { type: string; account: string; amount: number }) => [l.type, l.account, l.amount])).toEqual([
      ['release', 'escrow', -50],
      ['funding', 'escrow', 50],
    ]);
    const proLines = (await call('/api/v1/payments/transactions', { token: pro.token })).body;
    expect(proLines.data).toEqual([
      {
        id: expect.stringMatching(/^ln_\d+$/),
        transaction_id: expect.stringMatching(/^txn_/),
        type: 'release',
        account: 'available',
        amount: 49.5,
        currency: 'usd',
        task_id: taskId,
        description: expect.stringContaining('fee 50 cents'),
        simulated: false,
        created_at: expect.any(String),
      },
    ]);
  });

  it('with payouts enabled, approval transfers the earnings to the connected account, once, tied to the payment', async () => {
    const owner = await quickAccount();
    const pro = await payableProfessional();
    const task = await createTask(owner, { budget_amount: 80 });
    await fundTask(owner, task.id, 80);
    await act(task.id, 'accept', pro);
    await act(task.id, 'submit', pro, { text: 'Done.' });
    await act(task.id, 'approve', owner);

    const transfers = await fakeRequests({ path: '/v1/transfers', method: 'POST', idempotency_key: `release:${task.id}` });
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({
      status: 200,
      params: {
        amount: '7920',
        currency: 'usd',
        destination: pro.accountId,
        transfer_group: task.id,
        source_transaction: expect.stringMatching(/^ch_/),
        metadata: { task_id: task.id, idempotency_key: `release:${task.id}` },
      },
    });
    expect(await fake(`/__totals?transfer_group=${task.id}`)).toEqual({ collected: 8000, refunded: 0, transferred: 7920 });
    expect(await pendingCall(`release:${task.id}`)).toMatchObject({ status: 'succeeded', attempts: 1, stripeObjectId: expect.stringMatching(/^tr_/) });
    expect(await balanceOf(pro)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    expect(await balanceOf(owner)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    const lines = (await call('/api/v1/payments/transactions', { token: pro.token })).body.data;
    expect(lines.map((l: { type: string; account: string; amount: number }) => [l.type, l.account, l.amount])).toEqual([
      ['settlement', 'pending_payout', -79.2],
      ['transfer', 'pending_payout', 79.2],
      ['transfer', 'available', -79.2],
      ['release', 'available', 79.2],
    ]);
  });
});

describe('payouts', () => {
  it('earnings that waited are sent out when Stripe enables payouts; POST /payouts sends what is available', async () => {
    const owner = await quickAccount();
    const pro = await quickVerifiedProfessional('Wanda Waiting');
    const task = await createTask(owner, { budget_amount: 20 });
    await fundTask(owner, task.id, 20);
    await act(task.id, 'accept', pro);
    await act(task.id, 'submit', pro, { text: 'Done.' });
    await act(task.id, 'approve', owner);
    expect((await balanceOf(pro)).available_balance).toBe(19.8);

    // Not onboarded yet: no payouts.
    const refused = await post('/api/v1/payments/payouts', pro.token);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('/api/v1/payments/connect') });

    // Onboarding: the link, then Stripe enabling payouts; the waiting 19.80 goes out as one transfer.
    const onboarding = await post('/api/v1/payments/connect', pro.token, {});
    expect(onboarding.status).toBe(200);
    expect(onboarding.body).toEqual({ url: expect.stringMatching(/^https:\/\/connect\.stripe\.com\//), account_id: expect.stringMatching(/^acct_/), payouts_enabled: false });
    const again = await post('/api/v1/payments/connect', pro.token);
    expect(again.body.account_id).toBe(onboarding.body.account_id);
    const { event } = await fake(`/__accounts/${onboarding.body.account_id}`, { payouts_enabled: true });
    expect((await deliver(event, { settle: true })).status).toBe(200);
    const swept = (await fakeRequests({ path: '/v1/transfers', method: 'POST' })).filter((r) => r.params.destination === onboarding.body.account_id);
    expect(swept).toHaveLength(1);
    expect(swept[0]).toMatchObject({ idempotency_key: expect.stringMatching(/^payout:pay_/), params: { amount: '1980' } });
    expect(await balanceOf(pro)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
    expect((await call('/auth/me', { token: pro.token })).body.professional).toMatchObject({ verified: true, payouts_enabled: true });

    // Nothing left to send: 409.
    const nothing = await post('/api/v1/payments/payouts', pro.token);
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.code).toBe('CONFLICT');
  });

  it('POST /payouts moves the available balance out in one transfer; a transfer Stripe refuses comes back to available', async () => {
    const owner = await quickAccount();
    const pro = await payableProfessional('Rita Refused');
    const task = await createTask(owner, { budget_amount: 30 });
    await fundTask(owner, task.id, 30);
    await act(task.id, 'accept', pro);
    await act(task.id, 'submit', pro, { text: 'Done.' });
    // Stripe refuses this transfer for good (a 400 that is not worth retrying).
    await fake('/__fail', { path: '/v1/transfers', method: 'POST', idempotency_key: `release:${task.id}`, count: 1, status: 400 });
    await act(task.id, 'approve', owner);
    expect(await pendingCall(`release:${task.id}`)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await balanceOf(pro)).toEqual({ available_balance: 29.7, escrow_balance: 0, pending_balance: 0, currency: 'usd' });

    const payout = await post('/api/v1/payments/payouts', pro.token);
    expect(payout.status).toBe(201);
    expect(payout.body).toEqual({
      id: expect.stringMatching(/^pay_[0-9A-Za-z]{16}$/),
      amount: 29.7,
      currency: 'usd',
      status: 'pending',
      destination: pro.accountId,
      created_at: expect.any(String),
    });
    expect(await pendingCall(`payout:${payout.body.id}`)).toMatchObject({ status: 'succeeded', kind: 'transfer', amountCents: 2970 });
    const sent = await fakeRequests({ path: '/v1/transfers', method: 'POST', idempotency_key: `payout:${payout.body.id}` });
    expect(sent.map((r) => [r.status, r.params.amount, r.params.destination, r.params.transfer_group])).toEqual([[200, '2970', pro.accountId, payout.body.id]]);
    expect(await balanceOf(pro)).toEqual({ available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' });
  });

  it('is for professionals: a client gets 403 on connect and payouts', async () => {
    const client = await newAccount('client');
    expect((await post('/api/v1/payments/connect', client.token)).status).toBe(403);
    expect((await post('/api/v1/payments/payouts', client.token)).status).toBe(403);
    expect((await call('/api/v1/payments/balance')).status).toBe(401);
  });
});
