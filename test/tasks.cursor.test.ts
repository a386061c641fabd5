/** `starting_after` on the task lists: a walk that neither repeats nor skips, filters, and the cursor's own 400s. */
import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import { createTask, fundTask, quickAccount, quickVerifiedProfessional } from './support/tasks';

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((t) => t.id);

async function createMany(owner: Awaited<ReturnType<typeof quickAccount>>, n: number, overrides: Record<string, unknown> = {}) {
  const made: string[] = [];
  for (let i = 0; i < n; i++) made.push((await createTask(owner, { title: `Task ${i}`, ...overrides })).id);
  return made;
}

describe('GET /api/v1/tasks?starting_after', () => {
  it('walks every task exactly once, in order, while new tasks arrive; offset paging repeats one', async () => {
    const owner = await quickAccount('ai_client');
    await createMany(owner, 5);
    const before = ids(await call('/api/v1/tasks?limit=100', { token: owner.token }));
    expect(before).toHaveLength(5);

    const walked: string[] = [];
    let res = await call('/api/v1/tasks?limit=2', { token: owner.token });
    const offsetPages = [...ids(res)];
    for (;;) {
      walked.push(...ids(res));
      if (!res.body.has_more) break;
      await createTask(owner, { title: 'Arrived between pages' });
      res = await call(`/api/v1/tasks?limit=2&starting_after=${walked.at(-1)}`, { token: owner.token });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ limit: 2, offset: 0 });
      expect(res.body.total).toBe(before.length + walked.length / 2);
    }
    expect(walked).toEqual(before);

    // The same interruption under offset paging: the newest task pushes the list down, page 2 repeats page 1's last.
    await createTask(owner, { title: 'One more' });
    offsetPages.push(...ids(await call('/api/v1/tasks?limit=2&offset=2', { token: owner.token })));
    expect(new Set(offsetPages).size).toBeLessThan(offsetPages.length);
  });

  it('says has_more exactly, and the last task as cursor gives an empty page', async () => {
    const owner = await quickAccount('client');
    await createMany(owner, 3);
    const all = ids(await call('/api/v1/tasks?limit=100', { token: owner.token }));
    const twoLeft = await call(`/api/v1/tasks?limit=2&starting_after=${all[0]}`, { token: owner.token });
    expect(twoLeft.body).toMatchObject({ total: 3, limit: 2, offset: 0, has_more: false });
    expect(ids(twoLeft)).toEqual(all.slice(1));
    const oneMore = await call(`/api/v1/tasks?limit=1&starting_after=${all[0]}&offset=0`, { token: owner.token });
    expect(oneMore.body).toMatchObject({ has_more: true });
    expect(ids(oneMore)).toEqual([all[1]]);
    const last = await call(`/api/v1/tasks?starting_after=${all[2]}`, { token: owner.token });
    expect(last.body).toMatchObject({ data: [], total: 3, has_more: false });
  });

  it('combines with filters, and a cursor that no longer matches the filter still places the page', async () => {
    const owner = await quickAccount('client');
    const [a, b, c, d] = await createMany(owner, 4, { category: 'research_analysis' });
    await createTask(owner, { category: 'business_calls' });
    const open = ids(await call('/api/v1/tasks?status=open&category=research_analysis', { token: owner.token }));
    expect(open).toEqual([d, c, b, a]);

    const first = await call('/api/v1/tasks?status=open&category=research_analysis&limit=2', { token: owner.token });
    expect(ids(first)).toEqual([d, c]);
    // The page's last task is canceled before the next page is asked for: the walk goes on from where it was.
    expect((await call(`/api/v1/tasks/${c}/cancel`, { method: 'POST', token: owner.token })).status).toBe(200);
    const next = await call(`/api/v1/tasks?status=open&category=research_analysis&limit=2&starting_after=${c}`, { token: owner.token });
    expect(next.status).toBe(200);
    expect(ids(next)).toEqual([b, a]);
    expect(next.body).toMatchObject({ total: 3, has_more: false });
  });

  it("walks a professional's assigned tasks and refuses a client's task as their cursor", async () => {
    const owner = await quickAccount('client');
    const pro = await quickVerifiedProfessional();
    const made = await createMany(owner, 3);
    for (const id of made) {
      await fundTask(owner, id, 15);
      expect((await call(`/api/v1/tasks/${id}/accept`, { method: 'POST', token: pro.token })).status).toBe(200);
    }
    const unassigned = (await createTask(owner)).id;
    const page = await call(`/api/v1/tasks?starting_after=${made[2]}`, { token: pro.token });
    expect(ids(page)).toEqual([made[1], made[0]]);
    const refused = await call(`/api/v1/tasks?starting_after=${unassigned}`, { token: pro.token });
    expect(refused.status).toBe(400);
  });

  it.each([
    ['an unknown id', () => 'task_doesNotExist000'],
    ['an empty value', () => ''],
  ])('answers %s with 400 naming starting_after', async (_, cursor) => {
    const owner = await quickAccount();
    await createTask(owner);
    const res = await call(`/api/v1/tasks?starting_after=${cursor()}`, { token: owner.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('starting_after');
  });

  it("answers another account's task as cursor with 400, not a first page", async () => {
    const owner = await quickAccount();
    const other = await quickAccount();
    await createTask(owner);
    const theirs = await createTask(other);
    const res = await call(`/api/v1/tasks?starting_after=${theirs.id}`, { token: owner.token });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'starting_after' }] });
  });

  it('answers starting_after with offset > 0 with 400', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner);
    const res = await call(`/api/v1/tasks?starting_after=${task.id}&offset=1`, { token: owner.token });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'starting_after' }] });
  });
});

describe('GET /api/v1/marketplace/tasks?starting_after', () => {
  it('continues after a listed task, even one taken since; a never-listed task is 400', async () => {
    const owner = await quickAccount();
    const pro = await quickVerifiedProfessional();
    const taker = await quickVerifiedProfessional();
    const made = await createMany(owner, 3, { category: 'errands_delivery' });
    for (const id of made) await fundTask(owner, id, 20);
    const [older, middle, newest] = made as [string, string, string];

    const after = ids(await call(`/api/v1/marketplace/tasks?category=errands_delivery&limit=100&starting_after=${newest}`, { token: pro.token }));
    // Other tests list tasks too: ours must come in order, and the cursor itself never again.
    expect(after).not.toContain(newest);
    expect(after.indexOf(middle)).toBeGreaterThanOrEqual(0);
    expect(after.indexOf(older)).toBeGreaterThan(after.indexOf(middle));

    expect((await call(`/api/v1/tasks/${middle}/accept`, { method: 'POST', token: taker.token })).status).toBe(200);
    const afterTaken = await call(`/api/v1/marketplace/tasks?category=errands_delivery&limit=100&starting_after=${middle}`, { token: pro.token });
    expect(afterTaken.status).toBe(200);
    expect(ids(afterTaken)).toContain(older);

    const unfunded = await createTask(owner);
    const refused = await call(`/api/v1/marketplace/tasks?starting_after=${unfunded.id}`, { token: pro.token });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toBe('starting_after');
    const both = await call(`/api/v1/marketplace/tasks?starting_after=${older}&offset=3`, { token: pro.token });
    expect(both.status).toBe(400);
  });
});
