/** `starting_after` on the delivery attempt lists: an attempt's own id is the cursor, since a delivery has several. */
import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import type { TestAccount } from './support/accounts';
import { createTask, quickAccount, seedTaskBody } from './support/tasks';
import { act, createEndpoint, eventually, planAnswers, receiverPath } from './support/webhooks';

type Attempt = { id: string; delivery_id: string; attempt: number; endpoint_id: string | null; task_id: string };
const ids = (res: { body: { data: Attempt[] } }) => res.body.data.map((a) => a.id);
const listed = (who: TestAccount, url: string, total: number) =>
  eventually(
    () => call(`${url}?limit=100`, { token: who.token }),
    // The rows and the count are two reads; an attempt recorded between them would make total run ahead of data.
    (res) => res.body.total === total && res.body.data.length === total,
  );

async function expect400(who: TestAccount, url: string) {
  const res = await call(url, { token: who.token });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'starting_after' }] });
}

describe('GET /api/v1/webhook-endpoints/{id}/deliveries?starting_after', () => {
  it('walks every attempt exactly once, in order, while new attempts are made; foreign cursors are 400', async () => {
    const owner = await quickAccount('client');
    const hook = receiverPath();
    // The first delivery fails once: two attempts of one delivery, which a page may split.
    await planAnswers(hook.path, [500]);
    const endpoint = await createEndpoint(owner, hook.url, ['task.canceled']);
    const url = `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`;
    for (let i = 0; i < 3; i++) await act((await createTask(owner)).id, 'cancel', owner);
    const before = (await listed(owner, url, 4)).body.data as Attempt[];
    expect(before.map((a) => a.id).every((id) => /^att_\d+$/.test(id))).toBe(true);
    expect(new Set(before.map((a) => a.delivery_id)).size).toBe(3);

    const walked: string[] = [];
    let res = await call(`${url}?limit=1`, { token: owner.token });
    for (;;) {
      expect(res.status).toBe(200);
      walked.push(...ids(res));
      if (!res.body.has_more) break;
      // An attempt made between pages lands before the cursor: neither repeated nor in this walk.
      await act((await createTask(owner)).id, 'cancel', owner);
      await listed(owner, url, before.length + walked.length);
      res = await call(`${url}?limit=1&starting_after=${walked.at(-1)}`, { token: owner.token });
      expect(res.body).toMatchObject({ limit: 1, offset: 0, total: before.length + walked.length });
    }
    expect(walked).toEqual(before.map((a) => a.id));

    const twoLeft = await call(`${url}?limit=2&starting_after=${before[1]!.id}&offset=0`, { token: owner.token });
    expect(twoLeft.body).toMatchObject({ has_more: false });
    expect(ids(twoLeft)).toEqual(before.slice(2).map((a) => a.id));

    // Another endpoint's attempt, even the same owner's, is not a position in this list.
    const otherHook = receiverPath();
    const other = await createEndpoint(owner, otherHook.url, ['task.accepted', 'task.canceled']);
    await act((await createTask(owner)).id, 'cancel', owner);
    const otherAttempt = (await listed(owner, `/api/v1/webhook-endpoints/${other.id}/deliveries`, 1)).body.data[0].id;
    await expect400(owner, `${url}?starting_after=${otherAttempt}`);
    for (const cursor of ['att_999999999999', 'att_x', 'del_2Hq7LmN9pX4rT1vB', '']) await expect400(owner, `${url}?starting_after=${cursor}`);
    await expect400(owner, `${url}?starting_after=${before[0]!.id}&offset=1`);
    // Someone else's endpoint stays 404, cursor or not.
    const stranger = await quickAccount('client');
    expect((await call(`${url}?starting_after=${before[0]!.id}`, { token: stranger.token })).status).toBe(404);
  });
});

describe('GET /api/v1/tasks/{id}/webhook-deliveries?starting_after', () => {
  it("walks the task's attempts to its callback_url and endpoints; another task's attempt is 400", async () => {
    const owner = await quickAccount('ai_client');
    const hook = receiverPath();
    const callback = receiverPath();
    await planAnswers(hook.path, [500]);
    await createEndpoint(owner, hook.url, ['task.canceled']);
    const created = await call('/api/v1/tasks', { token: owner.token, body: { ...seedTaskBody(), callback_url: callback.url } });
    const taskId = created.body.id as string;
    await act(taskId, 'cancel', owner);
    const url = `/api/v1/tasks/${taskId}/webhook-deliveries`;
    const all = (await listed(owner, url, 3)).body.data as Attempt[];

    const walked: string[] = [];
    let res = await call(`${url}?limit=1`, { token: owner.token });
    for (;;) {
      walked.push(...ids(res));
      if (!res.body.has_more) break;
      res = await call(`${url}?limit=1&starting_after=${walked.at(-1)}`, { token: owner.token });
      expect(res.body).toMatchObject({ total: 3, offset: 0 });
    }
    expect(walked).toEqual(all.map((a) => a.id));
    expect((await call(`${url}?starting_after=${all[2]!.id}`, { token: owner.token })).body).toMatchObject({ data: [], total: 3, has_more: false });

    const other = await createTask(owner);
    await act(other.id, 'cancel', owner);
    const otherAttempt = (await listed(owner, `/api/v1/tasks/${other.id}/webhook-deliveries`, 1)).body.data[0].id;
    await expect400(owner, `${url}?starting_after=${otherAttempt}`);
    await expect400(owner, `${url}?starting_after=att_0`);
    await expect400(owner, `${url}?starting_after=${all[0]!.id}&offset=2`);
  });
});
