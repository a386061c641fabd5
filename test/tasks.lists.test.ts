/** GET /api/v1/tasks and GET /api/v1/marketplace/tasks: scope, filters, order and the list envelope. */
import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import { createTask, fundTask, quickAccount, quickVerifiedProfessional, taskAt } from './support/tasks';

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((t) => t.id);

describe("GET /api/v1/tasks: the caller's tasks", () => {
  it("lists a client's own tasks newest first, with the envelope and pagination", async () => {
    const owner = await quickAccount('ai_client');
    const other = await quickAccount('ai_client');
    await createTask(other);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await createTask(owner, { title: `Task ${i}` })).id);

    const all = await call('/api/v1/tasks', { token: owner.token });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, limit: 20, offset: 0, has_more: false });
    expect(ids(all)).toEqual([...made].reverse());
    expect(all.body.data[0]).toHaveProperty('deliverables', []);

    const first = await call('/api/v1/tasks?limit=2', { token: owner.token });
    expect(first.body).toMatchObject({ total: 3, limit: 2, offset: 0, has_more: true });
    expect(ids(first)).toEqual([made[2], made[1]]);
    const second = await call('/api/v1/tasks?limit=2&offset=2', { token: owner.token });
    expect(second.body).toMatchObject({ total: 3, limit: 2, offset: 2, has_more: false });
    expect(ids(second)).toEqual([made[0]]);
    const beyond = await call('/api/v1/tasks?offset=10', { token: owner.token });
    expect(beyond.body).toMatchObject({ data: [], total: 3, has_more: false });
  });

  it('filters by status and category', async () => {
    const owner = await quickAccount('client');
    const calls = await createTask(owner, { category: 'business_calls' });
    const research = await createTask(owner, { category: 'research_analysis' });
    expect((await call(`/api/v1/tasks/${calls.id}/cancel`, { method: 'POST', token: owner.token })).status).toBe(200);

    const canceled = await call('/api/v1/tasks?status=canceled', { token: owner.token });
    expect(ids(canceled)).toEqual([calls.id]);
    const open = await call('/api/v1/tasks?status=open', { token: owner.token });
    expect(ids(open)).toEqual([research.id]);
    const byCategory = await call('/api/v1/tasks?category=research_analysis', { token: owner.token });
    expect(ids(byCategory)).toEqual([research.id]);
    const both = await call('/api/v1/tasks?category=research_analysis&status=canceled', { token: owner.token });
    expect(both.body).toMatchObject({ data: [], total: 0 });
  });

  it("lists a professional's assigned tasks, with the result once submitted", async () => {
    const { pro, taskId } = await taskAt('submitted');
    const res = await call('/api/v1/tasks', { token: pro.token });
    expect(ids(res)).toEqual([taskId]);
    expect(res.body.data[0]).toMatchObject({ status: 'submitted', result: 'Appointment scheduled for Tuesday 9:30.' });
    expect(res.body.data[0].deliverables).toHaveLength(1);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['offset=-1', 'offset'],
    ['status=done', 'status'],
    ['category=plumbing', 'category'],
  ])('answers %s with 400 naming %s', async (query, field) => {
    const owner = await quickAccount();
    const res = await call(`/api/v1/tasks?${query}`, { token: owner.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });
});

describe('GET /api/v1/marketplace/tasks', () => {
  it('lists open, funded, unassigned tasks only, and drops a task once it is taken', async () => {
    const owner = await quickAccount();
    const pro = await quickVerifiedProfessional();
    const unfunded = await createTask(owner);
    const listed = await createTask(owner);
    await fundTask(owner, listed.id, 15);

    const market = await call('/api/v1/marketplace/tasks?limit=100', { token: pro.token });
    expect(market.status).toBe(200);
    expect(ids(market)).toContain(listed.id);
    expect(ids(market)).not.toContain(unfunded.id);
    expect(market.body.data.find((t: { id: string }) => t.id === listed.id)).toMatchObject({
      status: 'open',
      funding: { status: 'funded', escrow_amount: 15 },
      professional: null,
    });

    expect((await call(`/api/v1/tasks/${listed.id}/accept`, { method: 'POST', token: pro.token })).status).toBe(200);
    const after = await call('/api/v1/marketplace/tasks?limit=100', { token: pro.token });
    expect(ids(after)).not.toContain(listed.id);
  });

  it('filters by category and location_type', async () => {
    const owner = await quickAccount();
    const pro = await quickVerifiedProfessional();
    // A category and place unlikely to be shared with other tests' tasks keep this assertion exact.
    const local = await createTask(owner, { category: 'errands_delivery', location_type: 'local', location: 'Zzyzx, CA' });
    const remote = await createTask(owner, { category: 'errands_delivery' });
    await fundTask(owner, local.id, 30);
    await fundTask(owner, remote.id, 30);

    const errands = await call('/api/v1/marketplace/tasks?category=errands_delivery&limit=100', { token: pro.token });
    expect(ids(errands)).toEqual(expect.arrayContaining([local.id, remote.id]));
    expect(errands.body.data.every((t: { category: string }) => t.category === 'errands_delivery')).toBe(true);

    const localOnly = await call('/api/v1/marketplace/tasks?category=errands_delivery&location_type=local&limit=100', { token: pro.token });
    expect(ids(localOnly)).toContain(local.id);
    expect(ids(localOnly)).not.toContain(remote.id);
    expect(localOnly.body.data.every((t: { location_type: string }) => t.location_type === 'local')).toBe(true);
  });

  it('answers a bad filter with 400', async () => {
    const pro = await quickVerifiedProfessional();
    const res = await call('/api/v1/marketplace/tasks?location_type=moon', { token: pro.token });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('location_type');
  });
});
