/** Validation (400 naming the field) and the state machine's refusals (409 INVALID_STATE naming the status). */
import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import type { TestAccount } from './support/accounts';
import { createTask, fundTask, quickAccount, quickVerifiedProfessional, seedTaskBody, taskAt, type Stage } from './support/tasks';

const post = (path: string, token: string, body?: unknown) => call(path, { method: 'POST', token, body });
const fields = (res: { body: { error: { details?: { path: string }[] } } }) => (res.body.error.details ?? []).map((d) => d.path);

describe('POST /api/v1/tasks validation', () => {
  const withoutField = (name: string) => {
    const body: Record<string, unknown> = seedTaskBody();
    delete body[name];
    return body;
  };

  it.each([
    ['title missing', withoutField('title'), 'title'],
    ['title blank', seedTaskBody({ title: '   ' }), 'title'],
    ['title too long', seedTaskBody({ title: 'x'.repeat(201) }), 'title'],
    ['description missing', withoutField('description'), 'description'],
    ['category missing', withoutField('category'), 'category'],
    ['category unknown', seedTaskBody({ category: 'plumbing' }), 'category'],
    ['location_type missing', withoutField('location_type'), 'location_type'],
    ['location_type unknown', seedTaskBody({ location_type: 'hybrid' }), 'location_type'],
    ['location missing for local', seedTaskBody({ location_type: 'local' }), 'location'],
    ['location null for local', seedTaskBody({ location_type: 'local', location: null }), 'location'],
    ['location given for remote', seedTaskBody({ location: 'Austin, TX' }), 'location'],
    ['budget_amount missing', withoutField('budget_amount'), 'budget_amount'],
    ['budget_amount zero', seedTaskBody({ budget_amount: 0 }), 'budget_amount'],
    ['budget_amount negative', seedTaskBody({ budget_amount: -5 }), 'budget_amount'],
    ['budget_amount with 3 decimals', seedTaskBody({ budget_amount: 10.005 }), 'budget_amount'],
    ['budget_amount tiny fraction', seedTaskBody({ budget_amount: 1e-7 }), 'budget_amount'],
    ['budget_amount as a string', seedTaskBody({ budget_amount: '15' }), 'budget_amount'],
    ['budget_amount null (NaN in JSON)', seedTaskBody({ budget_amount: null }), 'budget_amount'],
    ['budget_amount over the cap', seedTaskBody({ budget_amount: 100000.01 }), 'budget_amount'],
    ['budget_type missing', withoutField('budget_type'), 'budget_type'],
    ['budget_type unknown', seedTaskBody({ budget_type: 'per_word' }), 'budget_type'],
    ['deadline in the past', seedTaskBody({ deadline: '2020-01-01T00:00:00Z' }), 'deadline'],
    ['deadline not ISO 8601', seedTaskBody({ deadline: 'next tuesday' }), 'deadline'],
    ['currency other than usd', seedTaskBody({ currency: 'eur' }), 'currency'],
    ['status (platform-owned)', seedTaskBody({ status: 'completed' }), 'status'],
    ['client_id (platform-owned)', seedTaskBody({ client_id: 'usr_someoneElse1234' }), 'client_id'],
    ['professional (platform-owned)', seedTaskBody({ professional: { id: 'usr_x' } }), 'professional'],
    ['funding (platform-owned)', seedTaskBody({ funding: { status: 'funded', escrow_amount: 15 } }), 'funding'],
    ['id (platform-owned)', seedTaskBody({ id: 'task_mine' }), 'id'],
    ['created_at (platform-owned)', seedTaskBody({ created_at: '2026-01-01T00:00:00Z' }), 'created_at'],
  ])('%s -> 400 naming it', async (_label, body, field) => {
    const owner = await quickAccount();
    const res = await post('/api/v1/tasks', owner.token, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(fields(res)).toContain(field);
    expect(res.body.error.request_id).toBe(res.headers.get('X-Request-Id'));
  });

  it('creates nothing when a platform-owned field is sent', async () => {
    const owner = await quickAccount();
    await post('/api/v1/tasks', owner.token, seedTaskBody({ status: 'completed' }));
    const list = await call('/api/v1/tasks', { token: owner.token });
    expect(list.body.total).toBe(0);
  });

  it('reports every bad field at once', async () => {
    const owner = await quickAccount();
    const res = await post('/api/v1/tasks', owner.token, { title: '', category: 'x', location_type: 'local', budget_amount: 0 });
    expect(res.status).toBe(400);
    expect(fields(res)).toEqual(expect.arrayContaining(['title', 'description', 'category', 'budget_amount', 'budget_type', 'location']));
    expect(res.body.error.message).toMatch(/^Invalid request body: check .*category/);
  });

  it('names the part of the request at fault in the message', async () => {
    const owner = await quickAccount();
    const query = await call('/api/v1/tasks?limit=0', { token: owner.token });
    expect(query.status).toBe(400);
    expect(query.body.error.message).toBe('Invalid query parameters: check limit.');
  });

  it('accepts the boundaries: 0.01 and 100000 USD, a deadline with an offset', async () => {
    const owner = await quickAccount();
    const cheap = await post('/api/v1/tasks', owner.token, seedTaskBody({ budget_amount: 0.01 }));
    expect(cheap.status).toBe(201);
    expect(cheap.body.budget_amount).toBe(0.01);
    const dear = await post('/api/v1/tasks', owner.token, seedTaskBody({ budget_amount: 100000 }));
    expect(dear.status).toBe(201);
    expect(dear.body.budget_amount).toBe(100000);
    const future = new Date(Date.now() + 86_400_000);
    const offset = `${future.toISOString().slice(0, 19)}+02:00`;
    const res = await post('/api/v1/tasks', owner.token, seedTaskBody({ deadline: offset }));
    expect(res.status).toBe(201);
    expect(res.body.deadline).toBe(new Date(offset).toISOString().replace('.000Z', 'Z'));
  });

  it('answers malformed JSON with 400 INVALID_JSON, and a non-JSON body with 400', async () => {
    const owner = await quickAccount();
    const broken = await call('/api/v1/tasks', { token: owner.token, body: '{"title": ', raw: true });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_JSON');
    const text = await call('/api/v1/tasks', { token: owner.token, body: 'title=x', raw: true, headers: { 'Content-Type': 'text/plain' } });
    expect(text.status).toBe(400);
    expect(text.body.error.code).toBe('INVALID_JSON');
  });
});

describe('action bodies', () => {
  it.each([
    ['empty text', { text: '' }, 'text'],
    ['text over 20000 characters', { text: 'x'.repeat(20_001) }, 'text'],
    ['21 attachments', { text: 'ok', attachments: Array.from({ length: 21 }, (_, i) => ({ name: `f${i}`, url: 'https://x.example/f' })) }, 'attachments'],
    ['an http attachment', { text: 'ok', attachments: [{ name: 'f', url: 'http://x.example/f' }] }, 'attachments.0.url'],
    ['an attachment without a name', { text: 'ok', attachments: [{ url: 'https://x.example/f' }] }, 'attachments.0.name'],
    ['data that is not an object', { text: 'ok', data: [1, 2] }, 'data'],
    ['an unknown field', { text: 'ok', status: 'completed' }, 'status'],
  ])('submit with %s -> 400 naming %s', async (_label, body, field) => {
    const { pro, taskId } = await taskAt('in_progress');
    const res = await post(`/api/v1/tasks/${taskId}/submit`, pro.token, body);
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
  });

  it('takes a submission over 64 KiB (up to 256 KiB), while other bodies stay capped at 64 KiB', async () => {
    const { owner, pro, taskId } = await taskAt('in_progress');
    const text = '日'.repeat(20_000); // 60,000 bytes of UTF-8
    const data = { notes: 'x'.repeat(10_000) };
    const big = await post(`/api/v1/tasks/${taskId}/submit`, pro.token, { text, data });
    expect(big.status).toBe(200);
    expect(big.body.result).toBe(text);
    const huge = await post(`/api/v1/tasks/${taskId}/submit`, pro.token, { text: 'x', data: { blob: 'x'.repeat(300 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const bigTask = await post('/api/v1/tasks', owner.token, seedTaskBody({ description: 'x'.repeat(70 * 1024) }));
    expect(bigTask.status).toBe(413);
  });

  it.each([
    [{ rating: 0 }, 'rating'],
    [{ rating: 6 }, 'rating'],
    [{ rating: 4.5 }, 'rating'],
    [{ review: 'Nice' }, 'rating'],
  ])('approve with %j -> 400 naming %s, and the task stays submitted', async (body, field) => {
    const { owner, taskId } = await taskAt('submitted');
    const res = await post(`/api/v1/tasks/${taskId}/approve`, owner.token, body);
    expect(res.status).toBe(400);
    expect(fields(res)).toContain(field);
    expect((await call(`/api/v1/tasks/${taskId}`, { token: owner.token })).body.status).toBe('submitted');
  });

  it('requires a reason for request-revision and dispute, and a valid outcome to resolve', async () => {
    const { owner, taskId } = await taskAt('submitted');
    const revision = await post(`/api/v1/tasks/${taskId}/request-revision`, owner.token, {});
    expect(revision.status).toBe(400);
    expect(fields(revision)).toContain('reason');
    const dispute = await post(`/api/v1/tasks/${taskId}/dispute`, owner.token, { reason: '' });
    expect(dispute.status).toBe(400);
    expect(fields(dispute)).toContain('reason');
    const admin = await quickAccount('admin');
    const resolve = await post(`/api/v1/admin/tasks/${taskId}/resolve`, admin.token, { outcome: 'split' });
    expect(resolve.status).toBe(400);
    expect(fields(resolve)).toContain('outcome');
  });
});

type Actor = 'owner' | 'pro' | 'otherPro' | 'admin';
const ACTIONS: Record<string, { actor: Actor; path: string; body?: unknown }> = {
  accept: { actor: 'otherPro', path: 'accept' },
  submit: { actor: 'pro', path: 'submit', body: { text: 'again' } },
  approve: { actor: 'owner', path: 'approve' },
  'request-revision': { actor: 'owner', path: 'request-revision', body: { reason: 'redo' } },
  cancel: { actor: 'owner', path: 'cancel' },
  dispute: { actor: 'owner', path: 'dispute', body: { reason: 'bad' } },
  resolve: { actor: 'admin', path: 'resolve', body: { outcome: 'refund' } },
};

/** Every move the contract's table does not allow, by the status the task is in. */
const NOT_ALLOWED: [Stage, string, string[]][] = [
  ['listed', 'open', ['approve', 'request-revision', 'dispute', 'resolve']],
  ['in_progress', 'in_progress', ['accept', 'approve', 'request-revision', 'cancel', 'resolve']],
  ['submitted', 'submitted', ['accept', 'submit', 'cancel', 'resolve']],
  ['completed', 'completed', ['accept', 'submit', 'approve', 'request-revision', 'cancel', 'dispute', 'resolve']],
  ['canceled', 'canceled', ['approve', 'request-revision', 'cancel', 'dispute', 'resolve']],
  ['disputed', 'disputed', ['accept', 'submit', 'approve', 'request-revision', 'cancel', 'dispute']],
];

describe('moves the state machine does not allow', () => {
  it.each(NOT_ALLOWED)('a %s task refuses each with 409 INVALID_STATE naming "%s"', async (stage, status, actions) => {
    const { owner, pro, taskId } = await taskAt(stage);
    const actors: Record<Actor, TestAccount> = { owner, pro, otherPro: await quickVerifiedProfessional(), admin: await quickAccount('admin') };
    for (const name of actions) {
      const action = ACTIONS[name]!;
      const path = name === 'resolve' ? `/api/v1/admin/tasks/${taskId}/resolve` : `/api/v1/tasks/${taskId}/${action.path}`;
      const res = await post(path, actors[action.actor].token, action.body);
      expect({ name, status: res.status, code: res.body.error?.code }).toEqual({ name, status: 409, code: 'INVALID_STATE' });
      expect(res.body.error.message).toContain(`The task is ${status}`);
    }
    const read = await call(`/api/v1/tasks/${taskId}`, { token: owner.token });
    expect(read.body.status).toBe(status);
  });

  it('refuses to accept an open task twice, and the same professional accepting again', async () => {
    const { pro, taskId } = await taskAt('in_progress');
    const again = await post(`/api/v1/tasks/${taskId}/accept`, pro.token);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('in_progress');
  });

  it('a canceled task that was listed tells a late professional it is gone (409), one never listed stays hidden (404)', async () => {
    // taskAt('canceled') cancels before funding: never listed.
    const neverListed = await taskAt('canceled');
    const pro = await quickVerifiedProfessional();
    expect((await post(`/api/v1/tasks/${neverListed.taskId}/accept`, pro.token)).status).toBe(404);
    const owner = await quickAccount();
    const task = await createTask(owner);
    await fundTask(owner, task.id, 15);
    expect((await post(`/api/v1/tasks/${task.id}/cancel`, owner.token)).status).toBe(200);
    const late = await post(`/api/v1/tasks/${task.id}/accept`, pro.token);
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain('canceled');
  });
});
