/** A task's delivery history (callback_url and endpoints together), and redelivering an endpoint's delivery. */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { webhookDeliveries } from '../src/db/schema';
import { call } from './support/api';
import type { TestAccount } from './support/accounts';
import { withDb } from './support/db';
import { createTask, quickAccount, quickVerifiedProfessional, seedTaskBody } from './support/tasks';
import { act, createEndpoint, eventually, parsed, planAnswers, receivedAt, receiverPath, signatureIsValid, waitForRequests } from './support/webhooks';

describe("a task's webhook deliveries", () => {
  it('lists the attempts to its callback_url and to endpoints, paged, to the owner only', async () => {
    const owner = await quickAccount('ai_client');
    const stranger = await quickAccount('ai_client');
    const pro = await quickVerifiedProfessional();
    const hook = receiverPath();
    const callback = receiverPath();
    await planAnswers(hook.path, [500]);
    const endpoint = await createEndpoint(owner, hook.url, ['task.canceled']);
    const created = await call('/api/v1/tasks', { token: owner.token, body: { ...seedTaskBody(), callback_url: callback.url } });
    expect(created.status).toBe(201);
    const taskId = created.body.id as string;
    await act(taskId, 'cancel', owner);
    const [first] = await waitForRequests(hook.path, 2);
    await waitForRequests(callback.path, 1);
    const eventId = parsed(first!).id;
    // Another task's events to the same endpoint are not this task's.
    const other = await createTask(owner);
    await act(other.id, 'cancel', owner);
    await waitForRequests(hook.path, 3);

    const url = `/api/v1/tasks/${taskId}/webhook-deliveries`;
    const list = await eventually(
      () => call(url, { token: owner.token }),
      (res) => res.body.total === 3,
    );
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 3, limit: 20, offset: 0, has_more: false });
    const attempts = list.body.data as any[];
    for (const a of attempts) expect(a).toMatchObject({ event_id: eventId, event_type: 'task.canceled', task_id: taskId });
    const toEndpoint = attempts.filter((a) => a.endpoint_id === endpoint.id);
    const toCallback = attempts.filter((a) => a.endpoint_id === null);
    expect(toEndpoint.map((a) => [a.attempt, a.state, a.status_code])).toEqual([[2, 'delivered', 200], [1, 'failed', 500]]);
    expect(toCallback).toEqual([
      {
        id: expect.stringMatching(/^att_\d+$/),
        delivery_id: expect.stringMatching(/^del_/),
        event_id: eventId,
        event_type: 'task.canceled',
        task_id: taskId,
        endpoint_id: null,
        attempt: 1,
        state: 'delivered',
        status_code: 200,
        error: null,
        duration_ms: expect.any(Number),
        attempted_at: expect.any(String),
        next_retry_at: null,
      },
    ]);
    // The endpoint's own list names its receiver too.
    const endpointList = await call(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: owner.token });
    expect(endpointList.body.data.every((a: any) => a.endpoint_id === endpoint.id)).toBe(true);

    const firstPage = await call(`${url}?limit=2`, { token: owner.token });
    expect(firstPage.body).toMatchObject({ total: 3, limit: 2, offset: 0, has_more: true });
    expect(firstPage.body.data).toEqual(attempts.slice(0, 2));
    const lastPage = await call(`${url}?limit=2&offset=2`, { token: owner.token });
    expect(lastPage.body).toMatchObject({ total: 3, offset: 2, has_more: false, data: attempts.slice(2) });
    expect((await call(`${url}?limit=0`, { token: owner.token })).body.error.code).toBe('VALIDATION_ERROR');

    for (const who of [stranger, pro]) {
      const res = await call(url, { token: who.token });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect((await call('/api/v1/tasks/task_doesNotExist12/webhook-deliveries', { token: owner.token })).status).toBe(404);
    expect((await call(url)).status).toBe(401);
    const quiet = await createTask(owner);
    expect((await call(`/api/v1/tasks/${quiet.id}/webhook-deliveries`, { token: owner.token })).body).toEqual({
      data: [],
      total: 0,
      total_capped: false,
      limit: 20,
      offset: 0,
      has_more: false,
    });
  });
});

const deliveryRow = async (id: string) => (await withDb((db) => db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id))))[0];
const redeliver = (who: TestAccount, endpointId: string, deliveryId: string, headers?: Record<string, string>) =>
  call(`/api/v1/webhook-endpoints/${endpointId}/deliveries/${deliveryId}/redeliver`, { method: 'POST', token: who.token, headers });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An endpoint of a fresh client whose one delivery (a task.canceled) failed once and was then given up on. */
async function deadDelivery() {
  const owner = await quickAccount('client');
  const { path, url } = receiverPath();
  await planAnswers(path, [500]);
  const endpoint = await createEndpoint(owner, url, ['task.canceled']);
  const task = await createTask(owner);
  await act(task.id, 'cancel', owner);
  const [first] = await waitForRequests(path, 1);
  const list = await eventually(
    () => call(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: owner.token }),
    (res) => res.body.total === 1,
  );
  const deliveryId = list.body.data[0].delivery_id as string;
  // Out of attempts, as after the whole schedule; the pending retry's message then finds nothing to do.
  await withDb((db) => db.update(webhookDeliveries).set({ status: 'dead' }).where(eq(webhookDeliveries.id, deliveryId)));
  return { owner, endpoint, path, task, deliveryId, first: first! };
}

describe('redelivering an endpoint delivery', () => {
  it('queues the same event again as a new delivery, signed afresh; 409 while it is pending', async () => {
    const { owner, endpoint, path, task, deliveryId, first } = await deadDelivery();
    await pause(1500);
    expect(await receivedAt(path)).toHaveLength(1);
    // The receiver is fixed, but slow: the redelivery stays pending for a moment.
    await planAnswers(path, [200], 1500);

    const res = await redeliver(owner, endpoint.id, deliveryId);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^del_/),
      redelivery_of: deliveryId,
      event_id: parsed(first).id,
      event_type: 'task.canceled',
      task_id: task.id,
      endpoint_id: endpoint.id,
      status: 'pending',
      attempts: 0,
      next_attempt_at: expect.any(String),
      created_at: expect.any(String),
    });
    const redeliveryId = res.body.id as string;
    for (const id of [deliveryId, redeliveryId]) {
      const busy = await redeliver(owner, endpoint.id, id);
      expect(busy.status, id).toBe(409);
      expect(busy.body.error.code).toBe('INVALID_STATE');
    }

    const [, again] = await waitForRequests(path, 2);
    expect(again!.body).toBe(first.body);
    expect(again!.headers['gohirehumans-event-id']).toBe(parsed(first).id);
    expect(await signatureIsValid(again!, endpoint.secret)).toBe(true);
    await eventually(() => deliveryRow(redeliveryId), (row) => row?.status === 'delivered');
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'dead', attempts: 1 });
    const list = await call(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: owner.token });
    expect(list.body.data.map((a: any) => [a.delivery_id, a.attempt, a.state])).toEqual([
      [redeliveryId, 1, 'delivered'],
      [deliveryId, 1, 'failed'],
    ]);

    // A delivered one can be sent again too (a receiver that lost what it stored).
    const once = await redeliver(owner, endpoint.id, redeliveryId, { 'Idempotency-Key': `again-${redeliveryId}` });
    expect(once.status).toBe(201);
    const replay = await redeliver(owner, endpoint.id, redeliveryId, { 'Idempotency-Key': `again-${redeliveryId}` });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(once.body);
    const [, , third] = await waitForRequests(path, 3);
    expect(third!.headers['gohirehumans-event-id']).toBe(parsed(first).id);
    await eventually(() => deliveryRow(once.body.id), (row) => row?.status === 'delivered');
    await pause(500);
    expect(await receivedAt(path)).toHaveLength(3);
  });

  it("is the endpoint owner's: other accounts, other endpoints' and unknown deliveries are 404", async () => {
    const { owner, endpoint, deliveryId } = await deadDelivery();
    const stranger = await quickAccount('client');
    const strangerEndpoint = await createEndpoint(stranger, receiverPath().url, ['task.canceled']);
    const ownSecond = await createEndpoint(owner, receiverPath().url, ['task.funded']);
    for (const [who, endpointId, id] of [
      [stranger, endpoint.id, deliveryId],
      [stranger, strangerEndpoint.id, deliveryId],
      [owner, ownSecond.id, deliveryId],
      [owner, endpoint.id, 'del_doesNotExist123'],
    ] as const) {
      const res = await redeliver(who, endpointId, id);
      expect(res.status, `${endpointId}/${id}`).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    const pro = await quickVerifiedProfessional();
    expect((await redeliver(pro, endpoint.id, deliveryId)).status).toBe(403);
    expect((await call(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries/${deliveryId}/redeliver`, { method: 'POST' })).status).toBe(401);
    expect(await deliveryRow(deliveryId)).toMatchObject({ status: 'dead' });
    const rows = await withDb((db) => db.select().from(webhookDeliveries).where(eq(webhookDeliveries.redeliveryOf, deliveryId)));
    expect(rows).toHaveLength(0);
  });
});
