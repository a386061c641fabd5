/** A task's delivery history (callback_url and endpoints together), and redelivering an endpoint's delivery. */
import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import { createTask, quickAccount, quickVerifiedProfessional, seedTaskBody } from './support/tasks';
import { act, createEndpoint, eventually, parsed, planAnswers, receiverPath, waitForRequests } from './support/webhooks';

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
      limit: 20,
      offset: 0,
      has_more: false,
    });
  });
});
