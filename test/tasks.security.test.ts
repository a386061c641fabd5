/**
 * Authorization as the contract's table says: no credentials 401; a role the route is not for 403; a task the
 * caller has no relation to 404 (existence is not leaked); a visible task but the wrong capacity 403.
 */
import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import { createTask, fundTask, quickAccount, quickVerifiedProfessional, taskAt } from './support/tasks';

const post = (path: string, token: string, body?: unknown) => call(path, { method: 'POST', token, body });
const get = (path: string, token: string) => call(path, { token });

const TASK_ROUTES: [string, string, unknown?][] = [
  ['GET', '/api/v1/tasks'],
  ['POST', '/api/v1/tasks', {}],
  ['GET', '/api/v1/tasks/task_anything123456'],
  ['GET', '/api/v1/tasks/task_anything123456/events'],
  ['GET', '/api/v1/marketplace/tasks'],
  ['POST', '/api/v1/tasks/task_anything123456/accept'],
  ['POST', '/api/v1/tasks/task_anything123456/submit', { text: 'x' }],
  ['POST', '/api/v1/tasks/task_anything123456/approve'],
  ['POST', '/api/v1/tasks/task_anything123456/complete'],
  ['POST', '/api/v1/tasks/task_anything123456/request-revision', { reason: 'x' }],
  ['POST', '/api/v1/tasks/task_anything123456/cancel'],
  ['POST', '/api/v1/tasks/task_anything123456/dispute', { reason: 'x' }],
  ['POST', '/api/v1/admin/tasks/task_anything123456/resolve', { outcome: 'refund' }],
  ['POST', '/api/v1/admin/professionals/usr_anything12345/verify'],
];

describe('signed out', () => {
  it.each(TASK_ROUTES)('%s %s -> 401', async (method, path, body) => {
    const res = await call(path, { method, body });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('rejects a forged token', async () => {
    const res = await call('/api/v1/tasks', { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c3JfeCJ9.' });
    expect(res.status).toBe(401);
  });
});

describe('roles a route is not for -> 403', () => {
  it('professionals and admins cannot post tasks', async () => {
    for (const role of ['professional', 'admin'] as const) {
      const account = await quickAccount(role, { verified: true });
      const res = await post('/api/v1/tasks', account.token, {});
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('only verified professionals see the marketplace', async () => {
    for (const account of [await quickAccount('professional'), await quickAccount('ai_client'), await quickAccount('admin')]) {
      const res = await get('/api/v1/marketplace/tasks', account.token);
      expect(res.status).toBe(403);
    }
  });

  it('only verified professionals accept; the owner calling accept is 403', async () => {
    const { owner, taskId } = await taskAt('listed');
    expect((await post(`/api/v1/tasks/${taskId}/accept`, owner.token)).status).toBe(403);
    const unverified = await quickAccount('professional');
    const res = await post(`/api/v1/tasks/${taskId}/accept`, unverified.token);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/verified/);
    expect((await get(`/api/v1/tasks/${taskId}`, owner.token)).body.status).toBe('open');
  });

  it('only admins resolve disputes and verify professionals', async () => {
    const { owner, pro, taskId } = await taskAt('disputed');
    for (const account of [owner, pro]) {
      expect((await post(`/api/v1/admin/tasks/${taskId}/resolve`, account.token, { outcome: 'release' })).status).toBe(403);
      expect((await post(`/api/v1/admin/professionals/${pro.id}/verify`, account.token)).status).toBe(403);
    }
  });

  it('the assigned professional cannot approve, request a revision or cancel; an admin cannot either', async () => {
    const { pro, taskId } = await taskAt('submitted');
    const admin = await quickAccount('admin');
    for (const account of [pro, admin]) {
      expect((await post(`/api/v1/tasks/${taskId}/approve`, account.token)).status).toBe(403);
      expect((await post(`/api/v1/tasks/${taskId}/request-revision`, account.token, { reason: 'x' })).status).toBe(403);
      expect((await post(`/api/v1/tasks/${taskId}/cancel`, account.token)).status).toBe(403);
    }
    expect((await post(`/api/v1/tasks/${taskId}/dispute`, admin.token, { reason: 'x' })).status).toBe(403);
  });
});

describe('who can see a task', () => {
  it('the owner, the assigned professional and admins read it; a stranger gets 404 exactly like a missing task', async () => {
    const { owner, pro, taskId } = await taskAt('in_progress');
    const admin = await quickAccount('admin');
    for (const account of [owner, pro, admin]) {
      expect((await get(`/api/v1/tasks/${taskId}`, account.token)).status).toBe(200);
      expect((await get(`/api/v1/tasks/${taskId}/events`, account.token)).status).toBe(200);
    }
    const strangers = [await quickAccount('ai_client'), await quickAccount('client'), await quickVerifiedProfessional()];
    for (const stranger of strangers) {
      const res = await get(`/api/v1/tasks/${taskId}`, stranger.token);
      const missing = await get('/api/v1/tasks/task_doesNotExist0000', stranger.token);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
      expect(res.body.error.message).toBe(missing.body.error.message);
      expect((await get(`/api/v1/tasks/${taskId}/events`, stranger.token)).status).toBe(404);
    }
  });

  it('a listed task is visible to verified professionals only; an unfunded one to nobody but its owner', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner);
    const verified = await quickVerifiedProfessional();
    const unverified = await quickAccount('professional');
    expect((await get(`/api/v1/tasks/${task.id}`, verified.token)).status).toBe(404);
    expect((await post(`/api/v1/tasks/${task.id}/accept`, verified.token)).status).toBe(404);
    await fundTask(owner, task.id, 15);
    expect((await get(`/api/v1/tasks/${task.id}`, verified.token)).status).toBe(200);
    expect((await get(`/api/v1/tasks/${task.id}`, unverified.token)).status).toBe(404);
  });

  it("a stranger acting on someone else's task gets 404 and changes nothing", async () => {
    const { owner, taskId } = await taskAt('submitted');
    const otherClient = await quickAccount('client');
    const otherPro = await quickVerifiedProfessional();
    const attempts = [
      post(`/api/v1/tasks/${taskId}/approve`, otherClient.token),
      post(`/api/v1/tasks/${taskId}/request-revision`, otherClient.token, { reason: 'x' }),
      post(`/api/v1/tasks/${taskId}/cancel`, otherClient.token),
      post(`/api/v1/tasks/${taskId}/dispute`, otherClient.token, { reason: 'x' }),
      post(`/api/v1/tasks/${taskId}/dispute`, otherPro.token, { reason: 'x' }),
      post(`/api/v1/tasks/${taskId}/submit`, otherPro.token, { text: 'mine now' }),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(404);
    const read = await get(`/api/v1/tasks/${taskId}`, owner.token);
    expect(read.body).toMatchObject({ status: 'submitted', deliverables: [expect.objectContaining({ text: 'Appointment scheduled for Tuesday 9:30.' })] });
  });

  it('a verified professional who can see a listed task may not submit to it (403)', async () => {
    const { taskId } = await taskAt('listed');
    const pro = await quickVerifiedProfessional();
    const res = await post(`/api/v1/tasks/${taskId}/submit`, pro.token, { text: 'done' });
    expect(res.status).toBe(403);
  });

  it("lists never show other people's tasks", async () => {
    const { taskId } = await taskAt('submitted');
    for (const account of [await quickAccount('client'), await quickVerifiedProfessional(), await quickAccount('admin')]) {
      const res = await get('/api/v1/tasks?limit=100', account.token);
      expect(res.body.data.map((t: { id: string }) => t.id)).not.toContain(taskId);
    }
  });
});

describe('admin: verify a professional', () => {
  it('verifies and un-verifies; unknown ids and non-professionals are 404', async () => {
    const admin = await quickAccount('admin');
    const pro = await quickAccount('professional');
    const on = await post(`/api/v1/admin/professionals/${pro.id}/verify`, admin.token);
    expect(on.body).toMatchObject({ id: pro.id, verified: true });
    expect((await get('/api/v1/marketplace/tasks', pro.token)).status).toBe(200);
    const off = await post(`/api/v1/admin/professionals/${pro.id}/verify`, admin.token, { verified: false });
    expect(off.body.verified).toBe(false);
    expect((await get('/api/v1/marketplace/tasks', pro.token)).status).toBe(403);

    const client = await quickAccount('client');
    expect((await post(`/api/v1/admin/professionals/${client.id}/verify`, admin.token)).status).toBe(404);
    expect((await post('/api/v1/admin/professionals/usr_nobody0000000000/verify', admin.token)).status).toBe(404);
  });
});
