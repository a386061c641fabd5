/**
 * Event webhooks end to end: a transition writes the event in its transaction, the Worker enqueues it, miniflare hands
 * the message to the Worker's own `queue` handler, which POSTs it to the test receiver (a Node server). Retry delays
 * come from wrangler.toml's development vars (1 s doubling, 4 attempts).
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';
import { webhookDeliveries, webhookEvents } from '../src/db/schema';
import { newId } from '../src/lib/ids';
import { call, env } from './support/api';
import { withDb } from './support/db';
import { createTask, fundTask, quickAccount, quickVerifiedProfessional, seedTaskBody } from './support/tasks';
import {
  act,
  createEndpoint,
  eventually,
  parsed,
  planAnswers,
  receivedAt,
  receiverPath,
  signatureIsValid,
  waitForRequests,
} from './support/webhooks';

const deliveriesOf = (eventId: string) => withDb((db) => db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId)));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('event webhooks: delivery', () => {
  it('sends task.accepted, task.submitted and task.completed in order, signed, each with its previous status', async () => {
    const owner = await quickAccount('ai_client');
    const pro = await quickVerifiedProfessional();
    const { path, url } = receiverPath();
    const endpoint = await createEndpoint(owner, url, ['task.accepted', 'task.submitted', 'task.completed']);
    const task = await createTask(owner);
    await fundTask(owner, task.id, 15);

    const latencies: number[] = [];
    const moves: [string, unknown?][] = [['accept'], ['submit', { text: 'Booked for Tuesday 9:30.' }], ['approve']];
    for (const [index, [action, body]] of moves.entries()) {
      const who = action === 'approve' ? owner : pro;
      await act(task.id, action, who, body);
      const answered = Date.now();
      const got = await waitForRequests(path, index + 1);
      latencies.push(got[index]!.at - answered);
    }
    console.log(JSON.stringify({ webhook_latency_ms_after_response: latencies }));

    const got = await receivedAt(path);
    expect(got.map((r) => parsed(r).type)).toEqual(['task.accepted', 'task.submitted', 'task.completed']);
    expect(got.map((r) => parsed(r).data.previous_status)).toEqual(['open', 'in_progress', 'submitted']);
    expect(got.map((r) => parsed(r).data.task.status)).toEqual(['in_progress', 'submitted', 'completed']);
    for (const request of got) {
      const event = parsed(request);
      expect(await signatureIsValid(request, endpoint.secret)).toBe(true);
      expect(await signatureIsValid(request, 'whsec_someone_else')).toBe(false);
      expect(request.method).toBe('POST');
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['gohirehumans-event-id']).toBe(event.id);
      expect(request.headers['gohirehumans-event-type']).toBe(event.type);
      expect(event).toEqual({ id: expect.stringMatching(/^evt_/), type: event.type, created_at: event.data.task.updated_at, data: expect.any(Object) });
      expect(event.data.task.id).toBe(task.id);
    }
    // The task object is exactly what GET /api/v1/tasks/{id} shows the client (nothing changed since approval).
    const read = await call(`/api/v1/tasks/${task.id}`, { token: owner.token });
    expect(parsed(got[2]!).data.task).toEqual(read.body);
    expect(parsed(got[1]!).data.task.result).toBe('Booked for Tuesday 9:30.');
  });

  it('retries a receiver that answers 500 twice: the third attempt lands, and nothing is delivered twice', async () => {
    const owner = await quickAccount('client');
    const { path, url } = receiverPath();
    await planAnswers(path, [500, 500]);
    const endpoint = await createEndpoint(owner, url, ['task.canceled']);
    const task = await createTask(owner);
    await act(task.id, 'cancel', owner);

    const got = await waitForRequests(path, 3);
    expect(got.map((r) => r.status)).toEqual([500, 500, 200]);
    const eventId = parsed(got[0]!).id;
    expect(new Set(got.map((r) => parsed(r).id))).toEqual(new Set([eventId]));
    expect(new Set(got.map((r) => r.body)).size).toBe(1);
    for (const request of got) expect(await signatureIsValid(request, endpoint.secret)).toBe(true);
    // Backoff: 1 s, then 2 s (WEBHOOK_RETRY_BASE_SECONDS = 1 in development).
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(900);
    expect(got[2]!.at - got[1]!.at).toBeGreaterThanOrEqual(1900);

    // The receiver has the third request before the Worker records its answer: read the attempts once all three are in.
    let deliveries = await call(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: owner.token });
    for (let tries = 0; deliveries.body.total < 3 && tries < 40; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      deliveries = await call(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: owner.token });
    }
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.total).toBe(3);
    const [third, second, first] = deliveries.body.data;
    expect(third).toMatchObject({ event_id: eventId, event_type: 'task.canceled', task_id: task.id, attempt: 3, state: 'delivered' });
    expect(third).toMatchObject({ status_code: 200, error: null, next_retry_at: null });
    expect(second).toMatchObject({ attempt: 2, state: 'failed', status_code: 500, next_retry_at: expect.any(String) });
    expect(first).toMatchObject({ attempt: 1, state: 'failed', status_code: 500, next_retry_at: expect.any(String) });
    expect(new Set(deliveries.body.data.map((d: any) => d.delivery_id)).size).toBe(1);
    expect(first.duration_ms).toBeGreaterThanOrEqual(0);

    // A late copy of the message (queues deliver at least once) finds the delivery done and sends nothing.
    await env.WEBHOOK_DELIVERIES.send({ delivery_id: third.delivery_id, url });
    await pause(1500);
    expect(await receivedAt(path)).toHaveLength(3);
    const [row] = await deliveriesOf(eventId);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, lockedUntil: null });
  });

  it('marks a delivery dead after WEBHOOK_MAX_ATTEMPTS failures and stops', async () => {
    const owner = await quickAccount('client');
    const { path, url } = receiverPath();
    await planAnswers(path, Array(10).fill(503));
    const endpoint = await createEndpoint(owner, url, ['task.canceled']);
    const task = await createTask(owner);
    await act(task.id, 'cancel', owner);

    const attempts = Number(env.WEBHOOK_MAX_ATTEMPTS);
    const got = await waitForRequests(path, attempts, 30_000);
    const eventId = parsed(got[0]!).id;
    const dead = await eventually(() => deliveriesOf(eventId), ([row]) => row?.status === 'dead');
    expect(dead[0]).toMatchObject({ attempts, status: 'dead' });
    const list = await call(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: owner.token });
    expect(list.body.data[0]).toMatchObject({ attempt: attempts, state: 'dead', status_code: 503, next_retry_at: null });
    expect(list.body.data.slice(1).every((a: any) => a.state === 'failed')).toBe(true);
    await pause(1500);
    expect(await receivedAt(path)).toHaveLength(attempts);
  }, 40_000);

  it('sends task.funded once the payment lands, with the task funded and its previous status', async () => {
    const owner = await quickAccount('ai_client');
    const { path, url } = receiverPath();
    const endpoint = await createEndpoint(owner, url, ['task.funded']);
    const task = await createTask(owner, { budget_amount: 25 });
    await fundTask(owner, task.id, 25);
    const [request] = await waitForRequests(path, 1);
    const event = parsed(request!);
    expect(event.type).toBe('task.funded');
    expect(event.data.previous_status).toBe('open');
    expect(event.data.task).toMatchObject({ id: task.id, status: 'open', funding: { status: 'funded', escrow_amount: 25 } });
    expect(await signatureIsValid(request!, endpoint.secret)).toBe(true);
  });

  it("delivers a task's events to its callback_url, signed with the account's callback secret", async () => {
    const owner = await quickAccount('ai_client');
    const pro = await quickVerifiedProfessional();
    const { path, url } = receiverPath();
    const created = await call('/api/v1/tasks', {
      token: owner.token,
      body: { ...seedTaskBody(), callback_url: url },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'open', callback_url: url, callback_secret: expect.stringMatching(/^whsec_[0-9A-Za-z]{32}$/) });
    const secret = created.body.callback_secret as string;
    // The callback URL is not part of the task object that professionals also read.
    expect((await call(`/api/v1/tasks/${created.body.id}`, { token: owner.token })).body).not.toHaveProperty('callback_url');

    // Another task of the same account gets the same secret, and no callback of its own without asking.
    const other = await call('/api/v1/tasks', {
      token: owner.token,
      body: { ...seedTaskBody(), callback_url: `${url}-other` },
    });
    expect(other.body.callback_secret).toBe(secret);
    const plain = await createTask(owner);
    expect(plain).not.toHaveProperty('callback_secret');

    await fundTask(owner, created.body.id, 15);
    await act(created.body.id, 'accept', pro);
    const got = await waitForRequests(path, 2);
    expect(got.map((r) => parsed(r).type)).toEqual(['task.funded', 'task.accepted']);
    for (const request of got) {
      expect(parsed(request).data.task.id).toBe(created.body.id);
      expect(await signatureIsValid(request, secret)).toBe(true);
    }
    await fundTask(owner, plain.id, 15);
    await waitForRequests(path, 2);
    expect(await receivedAt(`${path}-other`)).toHaveLength(0);
  });

  it('sends nothing more to a deleted endpoint, including a delivery that was waiting for its retry', async () => {
    const owner = await quickAccount('client');
    const pro = await quickVerifiedProfessional();
    const doomed = receiverPath();
    const live = receiverPath();
    await planAnswers(doomed.path, [500, 500, 500]);
    const endpoint = await createEndpoint(owner, doomed.url, ['task.accepted', 'task.submitted']);
    await createEndpoint(owner, live.url, ['task.submitted']);
    const task = await createTask(owner);
    await fundTask(owner, task.id, 15);
    await act(task.id, 'accept', pro);
    const [first] = await waitForRequests(doomed.path, 1);
    expect(first!.status).toBe(500);

    expect((await call(`/api/v1/webhook-endpoints/${endpoint.id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    const [waiting] = await deliveriesOf(parsed(first!).id);
    expect(waiting).toMatchObject({ status: 'canceled', attempts: 1 });

    await act(task.id, 'submit', pro, { text: 'Done.' });
    await waitForRequests(live.path, 1);
    // Past the 1 s retry the canceled delivery would have had.
    await pause(2000);
    expect(await receivedAt(doomed.path)).toHaveLength(1);
    const gone = await call(`/api/v1/webhook-endpoints/${endpoint.id}`, { token: owner.token });
    expect(gone.status).toBe(404);
  });

  it('the cron sends a delivery whose queue message never left', async () => {
    const owner = await quickAccount('client');
    const task = await createTask(owner);
    const { path, url } = receiverPath();
    const endpoint = await createEndpoint(owner, url, ['task.canceled']);
    const eventId = newId('evt');
    const body = JSON.stringify({ id: eventId, type: 'task.canceled', created_at: task.created_at, data: { task, previous_status: 'open' } });
    // What a Worker that stopped between commit and enqueue leaves behind.
    await withDb(async (db) => {
      await db.insert(webhookEvents).values({ id: eventId, type: 'task.canceled', taskId: task.id, userId: owner.id, body });
      await db.insert(webhookDeliveries).values({
        id: newId('del'),
        eventId,
        endpointId: endpoint.id,
        url,
        nextAttemptAt: sql`now() - interval '10 minutes'`,
        enqueuedAt: sql`now() - interval '10 minutes'`,
      });
    });

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '*/5 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);
    const [request] = await waitForRequests(path, 1);
    expect(request!.body).toBe(body);
    expect(await signatureIsValid(request!, endpoint.secret)).toBe(true);
    await eventually(() => deliveriesOf(eventId), ([row]) => row?.status === 'delivered');
  });
});
