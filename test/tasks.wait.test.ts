/**
 * GET /api/v1/tasks/{id}/wait: held until the task reaches a status, answered within a poll of the change; the
 * same task object and visibility as GET; a timeout answered as such; the client leaving stops the wait.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';
import { openDb } from '../src/db/client';
import { waitForTask } from '../src/services/tasks/wait';
import { BASE, call, env } from './support/api';
import { withDb } from './support/db';
import { quickAccount, quickVerifiedProfessional, taskAt } from './support/tasks';

const post = (path: string, token: string, body?: unknown) => call(path, { method: 'POST', token, body });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Backends of this test database whose last query was a wait's poll of status and messages (other test files' waits included). */
/** How many statements the local SQL endpoint has served with `value` among their parameters. */
const statementsWith = async (value: string): Promise<number> => {
  const res = await fetch(`http://127.0.0.1:${env.DB_RELAY_PORT}/stats?param=${encodeURIComponent(value)}`);
  return ((await res.json()) as { with_param: number }).with_param;
};

/** Starts a wait and notes when its answer arrived. */
function startWait(taskId: string, token: string, query: string) {
  return call(`/api/v1/tasks/${taskId}/wait${query}`, { token }).then((res) => ({ res, at: Date.now() }));
}

describe('waiting for a status', () => {
  it('answers within a second of a submit made by another request', async () => {
    const { owner, pro, taskId } = await taskAt('in_progress');
    const waiting = startWait(taskId, owner.token, '?until=submitted,completed,canceled&timeout=10');
    await sleep(1000);
    const submitStarted = Date.now();
    const submitted = await post(`/api/v1/tasks/${taskId}/submit`, pro.token, { text: 'Appointment booked for Tuesday 9:30.' });
    const submittedAt = Date.now();
    expect(submitted.status).toBe(200);

    const { res, at } = await waiting;
    const latency = at - submittedAt;
    console.log(JSON.stringify({ wait: { latency_after_submit_ms: latency, submit_ms: submittedAt - submitStarted } }));
    expect(latency).toBeLessThan(1000);
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Wait-Timed-Out')).toBe('false');
    expect(res.body).toMatchObject({ id: taskId, status: 'submitted', result: 'Appointment booked for Tuesday 9:30.' });
    // Exactly the object GET shows.
    expect(res.body).toEqual((await call(`/api/v1/tasks/${taskId}`, { token: owner.token })).body);
  });

  it('times out after the timeout with the task unchanged and X-Wait-Timed-Out: true', async () => {
    const { owner, taskId } = await taskAt('in_progress');
    const before = await call(`/api/v1/tasks/${taskId}`, { token: owner.token });
    const started = Date.now();
    const res = await call(`/api/v1/tasks/${taskId}/wait?until=submitted&timeout=2`, { token: owner.token });
    const elapsed = Date.now() - started;
    console.log(JSON.stringify({ wait: { timeout_s: 2, elapsed_ms: elapsed } }));
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(4000);
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Wait-Timed-Out')).toBe('true');
    expect(res.body).toEqual(before.body);
  });

  it('answers at once when the task already is in an until status', async () => {
    const { owner, taskId } = await taskAt('submitted');
    const started = Date.now();
    const res = await call(`/api/v1/tasks/${taskId}/wait?until=submitted,completed&timeout=30`, { token: owner.token });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.headers.get('X-Wait-Timed-Out')).toBe('false');
    expect(res.body.status).toBe('submitted');
  });

  it('without until, answers on any change of status', async () => {
    const { owner, pro, taskId } = await taskAt('listed');
    const waiting = startWait(taskId, owner.token, '?timeout=10');
    await sleep(700);
    expect((await post(`/api/v1/tasks/${taskId}/accept`, pro.token)).status).toBe(200);
    const acceptedAt = Date.now();
    const { res, at } = await waiting;
    expect(at - acceptedAt).toBeLessThan(1000);
    expect(res.headers.get('X-Wait-Timed-Out')).toBe('false');
    expect(res.body).toMatchObject({ status: 'in_progress', professional: { id: pro.id } });
  });

  it('ignores changes that are not a status change it waits for', async () => {
    const { owner, pro, taskId } = await taskAt('listed');
    // in_progress is a change, but not one of the statuses asked for.
    const waiting = startWait(taskId, owner.token, '?until=submitted&timeout=2');
    await sleep(300);
    expect((await post(`/api/v1/tasks/${taskId}/accept`, pro.token)).status).toBe(200);
    const { res } = await waiting;
    expect(res.headers.get('X-Wait-Timed-Out')).toBe('true');
    expect(res.body.status).toBe('in_progress');
  });

  it('stops waiting, and answers at once, when the request is aborted', async () => {
    const { owner, taskId } = await taskAt('in_progress');
    const controller = new AbortController();
    const request = new Request(`${BASE}/api/v1/tasks/${taskId}/wait?until=completed&timeout=30`, {
      headers: { Authorization: `Bearer ${owner.token}` },
      signal: controller.signal,
    });
    const ctx = createExecutionContext();
    const started = Date.now();
    const answered = worker.fetch(request, env, ctx);
    await sleep(700);
    controller.abort();
    const res = await answered;
    await waitOnExecutionContext(ctx);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.headers.get('X-Wait-Timed-Out')).toBe('true');
  });

  // Across workerd's boundary, the way a client hanging up reaches the Worker; without enable_request_signal the
  // request's signal never fires and the wait keeps polling for its whole timeout (checked when the flag was added).
  it('stops polling when the caller hangs up', async () => {
    const { owner, taskId } = await taskAt('in_progress');
    const controller = new AbortController();
    const request = new Request(`${BASE}/api/v1/tasks/${taskId}/wait?until=completed&timeout=30`, {
      headers: { Authorization: `Bearer ${owner.token}` },
      signal: controller.signal,
    });
    const before = await statementsWith(taskId);
    const answered = exports.default.fetch(request).catch((err: unknown) => err);
    await sleep(1200);
    const polling = await statementsWith(taskId);
    expect(polling).toBeGreaterThan(before);
    controller.abort();
    expect(String(await answered)).toMatch(/AbortError/);
    await sleep(300);
    const stopped = await statementsWith(taskId);
    await sleep(1500);
    expect(await statementsWith(taskId)).toBe(stopped);
  });

  it('reads the status over HTTP: the whole wait opens no connection of its own', async () => {
    const { owner, taskId } = await taskAt('in_progress');
    const caller = { id: owner.id, role: 'ai_client' as const, authMethod: 'jwt' as const, apiKeyId: null, livemode: true };
    const handle = openDb(env);
    const outcome = await waitForTask(handle.db, caller, taskId, { until: ['submitted'], timeoutMs: 1600 })
      .then((result) => ({ ...result, poolOpened: handle.poolOpened() }))
      .finally(() => handle.close());
    expect(outcome).toMatchObject({ timedOut: true, poolOpened: false });
    expect(outcome.view.task.status).toBe('in_progress');
  });
});

describe('the wait refuses what GET refuses, and bad parameters', () => {
  it('400 VALIDATION_ERROR for a timeout out of 1..30 and for unknown statuses', async () => {
    const { owner, taskId } = await taskAt('open');
    const cases: [string, string][] = [
      ['?timeout=31', 'timeout'],
      ['?timeout=0', 'timeout'],
      ['?timeout=-5', 'timeout'],
      ['?timeout=2.5', 'timeout'],
      ['?timeout=soon', 'timeout'],
      ['?until=bogus', 'until'],
      ['?until=submitted,bogus', 'until'],
      ['?until=', 'until'],
    ];
    for (const [query, field] of cases) {
      const res = await call(`/api/v1/tasks/${taskId}/wait${query}`, { token: owner.token });
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.map((d: { path: string }) => d.path), query).toEqual([field]);
    }
    const bogus = await call(`/api/v1/tasks/${taskId}/wait?until=submitted,bogus`, { token: owner.token });
    expect(bogus.body.error.details[0].message).toContain('"bogus"');
  });

  it('404 for another client\'s task and an unknown id, exactly as GET; 401 without credentials', async () => {
    const { taskId } = await taskAt('in_progress');
    const stranger = await quickAccount('ai_client');
    for (const id of [taskId, 'task_doesNotExist0000']) {
      const waited = await call(`/api/v1/tasks/${id}/wait?timeout=1`, { token: stranger.token });
      const got = await call(`/api/v1/tasks/${id}`, { token: stranger.token });
      expect(waited.status).toBe(404);
      expect(waited.body.error).toMatchObject({ code: 'NOT_FOUND', message: got.body.error.message });
    }
    const anonymous = await call(`/api/v1/tasks/${taskId}/wait?timeout=1`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
  });

  it('a professional waiting on a listed task that someone else takes gets the 404 GET would give', async () => {
    const { taskId } = await taskAt('listed');
    const watcher = await quickVerifiedProfessional();
    const taker = await quickVerifiedProfessional();
    const waiting = startWait(taskId, watcher.token, '?timeout=10');
    await sleep(300);
    await post(`/api/v1/tasks/${taskId}/accept`, taker.token);
    const { res } = await waiting;
    expect(res.status).toBe(404);
    expect((await call(`/api/v1/tasks/${taskId}`, { token: watcher.token })).status).toBe(404);
  });
});
