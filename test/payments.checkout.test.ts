/** POST /api/v1/payments/checkout: what it asks Stripe for, what it refuses, and how a checkout ends. */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { checkouts } from '../src/db/schema';
import { call, env } from './support/api';
import { withDb } from './support/db';
import { deliver, fake, fakeRequests } from './support/stripe';
import { createTask, openCheckout, quickAccount, quickVerifiedProfessional, taskAt } from './support/tasks';

const checkoutBody = (taskId: string, overrides: Record<string, unknown> = {}) => ({
  task_id: taskId,
  amount: 15,
  success_url: 'https://agent.example/funded?session={CHECKOUT_SESSION_ID}',
  cancel_url: 'https://agent.example/canceled',
  ...overrides,
});
const checkout = (token: string, body: unknown, headers?: Record<string, string>) =>
  call('/api/v1/payments/checkout', { token, body, headers });
const taskOf = async (owner: { token: string }, taskId: string) => (await call(`/api/v1/tasks/${taskId}`, { token: owner.token })).body;

describe('POST /api/v1/payments/checkout', () => {
  it('opens a Stripe Checkout Session in payment mode naming the task, with an idempotency key; the task is pending', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner, { title: 'Inspect a storefront', budget_amount: 120 });
    const res = await checkout(owner.token, checkoutBody(task.id, { amount: 125.5 }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ task_id: task.id, amount: 125.5, currency: 'usd', status: 'pending' });
    const expiresIn = Date.parse(res.body.expires_at) - Date.now();
    expect(expiresIn).toBeGreaterThan(23 * 3600_000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 3600_000);

    const [sent] = await fakeRequests({ path: '/v1/checkout/sessions', method: 'POST', idempotency_key: `checkout:${res.body.id}` });
    expect(sent).toMatchObject({
      status: 200,
      params: {
        mode: 'payment',
        client_reference_id: task.id,
        metadata: { task_id: task.id, checkout_id: res.body.id },
        payment_intent_data: { transfer_group: task.id, metadata: { task_id: task.id, checkout_id: res.body.id } },
        line_items: [{ quantity: '1', price_data: { currency: 'usd', unit_amount: '12550', product_data: { name: 'Inspect a storefront' } } }],
        success_url: 'https://agent.example/funded?session={CHECKOUT_SESSION_ID}',
        cancel_url: 'https://agent.example/canceled',
      },
    });
    expect(await taskOf(owner, task.id)).toMatchObject({ status: 'open', funding: { status: 'pending', escrow_amount: 0 } });
  });

  it('refuses an amount under a fixed budget or under 0.50, and takes any amount for an hourly task', async () => {
    const owner = await quickAccount();
    const fixed = await createTask(owner, { budget_amount: 15 });
    const under = await checkout(owner.token, checkoutBody(fixed.id, { amount: 14.99 }));
    expect(under.status).toBe(400);
    expect(under.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'amount', message: expect.stringContaining('budget_amount') }] });
    for (const amount of [0, -5, 15.001, 100_000.01]) {
      const bad = await checkout(owner.token, checkoutBody(fixed.id, { amount }));
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].path).toBe('amount');
    }
    const hourly = await createTask(owner, { budget_type: 'hourly', budget_amount: 40 });
    expect((await checkout(owner.token, checkoutBody(hourly.id, { amount: 0.49 }))).body.error.details[0]).toMatchObject({ path: 'amount', message: expect.stringContaining('0.50') });
    expect((await checkout(owner.token, checkoutBody(hourly.id, { amount: 10 }))).status).toBe(201);
  });

  it('keeps a task within 100,000 USD across its paid and open checkouts', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner, { budget_type: 'hourly', budget_amount: 100 });
    expect((await checkout(owner.token, checkoutBody(task.id, { amount: 60_000 }))).status).toBe(201);
    const over = await checkout(owner.token, checkoutBody(task.id, { amount: 40_000.01 }));
    expect(over.status).toBe(400);
    expect(over.body.error.details[0].path).toBe('amount');
    expect((await checkout(owner.token, checkoutBody(task.id, { amount: 40_000 }))).status).toBe(201);
  });

  it('takes absolute https URLs, and plain http only on a loopback host in development', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner);
    expect(env.ENVIRONMENT).toBe('development');
    for (const [field, url] of [
      ['success_url', 'http://agent.example/funded'],
      ['cancel_url', '/relative'],
      ['success_url', 'ftp://agent.example/x'],
      ['cancel_url', 'javascript:alert(1)'],
    ] as const) {
      const res = await checkout(owner.token, checkoutBody(task.id, { [field]: url }));
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ path: field, message: expect.any(String) }]);
    }
    const loopback = await checkout(owner.token, checkoutBody(task.id, { success_url: 'http://127.0.0.1:3000/done', cancel_url: 'http://localhost:3000/back' }));
    expect(loopback.status).toBe(201);
  });

  it('answers 404 for another client\'s task, 403 for a professional, 409 for a task that is not open, 400 for extra fields', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner);
    const stranger = await quickAccount();
    expect((await checkout(stranger.token, checkoutBody(task.id))).status).toBe(404);
    expect((await checkout(owner.token, checkoutBody('task_doesnotexist00'))).status).toBe(404);
    const pro = await quickVerifiedProfessional();
    expect((await checkout(pro.token, checkoutBody(task.id))).body.error.code).toBe('FORBIDDEN');
    const extra = await checkout(owner.token, { ...checkoutBody(task.id), currency: 'eur' });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details).toEqual([{ path: 'currency', message: expect.any(String) }]);

    const { owner: busyOwner, taskId } = await taskAt('in_progress');
    const busy = await checkout(busyOwner.token, checkoutBody(taskId));
    expect(busy.status).toBe(409);
    expect(busy.body.error).toMatchObject({ code: 'INVALID_STATE', message: 'The task is in_progress; checkout needs it to be open.' });
  });

  it('replays the first answer for a repeated Idempotency-Key and opens one session', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner);
    const headers = { 'Idempotency-Key': `fund-${task.id}` };
    const first = await checkout(owner.token, checkoutBody(task.id), headers);
    const second = await checkout(owner.token, checkoutBody(task.id), headers);
    expect(second.status).toBe(201);
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    const rows = await withDb((db) => db.select().from(checkouts).where(eq(checkouts.taskId, task.id)));
    expect(rows).toHaveLength(1);
  });

  it('answers 503 PAYMENTS_UNAVAILABLE when Stripe fails, and records nothing', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner);
    await fake('/__fail', { path: '/v1/checkout/sessions', method: 'POST', params: { client_reference_id: task.id }, count: 2 });
    const res = await checkout(owner.token, checkoutBody(task.id));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('PAYMENTS_UNAVAILABLE');
    expect(await withDb((db) => db.select().from(checkouts).where(eq(checkouts.taskId, task.id)))).toEqual([]);
    expect((await taskOf(owner, task.id)).funding.status).toBe('unfunded');
  });
});

describe('a checkout that ends unpaid', () => {
  it('expires: the checkout is expired, nothing is credited, and the task is unfunded again', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner);
    const { checkout: opened, sessionId } = await openCheckout(owner, task.id, 15);
    const { event } = await fake(`/__expire/${sessionId}`, {});
    expect((await deliver(event)).body).toEqual({ received: true, duplicate: false });
    const [row] = await withDb((db) => db.select().from(checkouts).where(eq(checkouts.id, opened.id)));
    expect(row).toMatchObject({ status: 'expired', paidCents: null });
    expect(await taskOf(owner, task.id)).toMatchObject({ funding: { status: 'unfunded', escrow_amount: 0 } });
  });

  it('stays pending while another checkout of the task is open; an asynchronous payment that fails ends it', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner);
    const first = await openCheckout(owner, task.id, 15);
    const second = await openCheckout(owner, task.id, 15);
    const { event: started } = await fake(`/__pay/${first.sessionId}`, { async: true });
    expect(started.data.object.payment_status).toBe('unpaid');
    await deliver(started);
    const { event: failed } = await fake(`/__async/${first.sessionId}`, { outcome: 'failed' });
    await deliver(failed);
    expect((await withDb((db) => db.select().from(checkouts).where(eq(checkouts.id, first.checkout.id))))[0]).toMatchObject({
      status: 'failed',
      paymentIntentId: started.data.object.payment_intent,
    });
    expect((await taskOf(owner, task.id)).funding.status).toBe('pending');
    await deliver((await fake(`/__expire/${second.sessionId}`, {})).event);
    expect((await taskOf(owner, task.id)).funding).toEqual({ status: 'unfunded', escrow_amount: 0 });
  });
});

describe('the OpenAPI document', () => {
  it('describes every payments route, with the Idempotency-Key header on its POSTs and examples in its schemas', async () => {
    const doc = (await call('/openapi.json')).body;
    const routes = {
      'post /api/v1/payments/checkout': ['201', 'Checkout', 'CreateCheckoutRequest'],
      'get /api/v1/payments/balance': ['200', 'Balance', null],
      'get /api/v1/payments/transactions': ['200', 'TransactionLinePage', null],
      'post /api/v1/payments/connect': ['200', 'ConnectOnboarding', 'ConnectRequest'],
      'post /api/v1/payments/payouts': ['201', 'Payout', null],
    } as const;
    for (const [route, [status, response, request]] of Object.entries(routes)) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[path]?.[method];
      expect(op, route).toBeDefined();
      expect(op.tags).toEqual(['Payments']);
      expect(op.responses[status].content['application/json'].schema.$ref).toBe(`#/components/schemas/${response}`);
      if (request) expect(op.requestBody.content['application/json'].schema.$ref).toBe(`#/components/schemas/${request}`);
      if (method === 'post') expect(op.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    }
    const examples = (name: string) => Object.values(doc.components.schemas[name].properties).filter((p: any) => p.example !== undefined).length;
    for (const name of ['Checkout', 'CreateCheckoutRequest', 'Balance', 'TransactionLine', 'ConnectOnboarding', 'Payout']) expect(examples(name), name).toBeGreaterThan(0);
  });
});
