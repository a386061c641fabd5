/** Races: concurrent moves on one task, concurrent duplicates of one Idempotency-Key. */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { taskEvents, tasks } from '../src/db/schema';
import { call } from './support/api';
import { withDb } from './support/db';
import { quickAccount, quickVerifiedProfessional, seedTaskBody, taskAt } from './support/tasks';

const post = (path: string, token: string, body?: unknown, headers?: Record<string, string>) =>
  call(path, { method: 'POST', token, body, headers });
const eventsOf = (taskId: string) => withDb((db) => db.select().from(taskEvents).where(eq(taskEvents.taskId, taskId)));

describe('concurrent transitions', () => {
  it('ten professionals accept one task at the same moment: exactly one wins, nine get 409', async () => {
    const { owner, taskId } = await taskAt('listed');
    const pros = await Promise.all(Array.from({ length: 10 }, () => quickVerifiedProfessional()));

    const results = await Promise.all(pros.map((pro) => post(`/api/v1/tasks/${taskId}/accept`, pro.token)));

    const winners = results.filter((r) => r.status === 200);
    const losers = results.filter((r) => r.status === 409);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(9);
    for (const loser of losers) {
      expect(loser.body.error.code).toBe('INVALID_STATE');
      expect(loser.body.error.message).toContain('in_progress');
    }
    const winner = pros[results.indexOf(winners[0]!)]!;
    const task = await call(`/api/v1/tasks/${taskId}`, { token: owner.token });
    expect(task.body).toMatchObject({ status: 'in_progress', professional: { id: winner.id } });
    const accepted = (await eventsOf(taskId)).filter((e) => e.type === 'accepted');
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.actorId).toBe(winner.id);
  });

  it('approve and cancel racing: exactly one applies, whichever state the task is in', async () => {
    for (const stage of ['listed', 'submitted'] as const) {
      const { owner, taskId } = await taskAt(stage);
      const [approve, cancel] = await Promise.all([
        post(`/api/v1/tasks/${taskId}/approve`, owner.token),
        post(`/api/v1/tasks/${taskId}/cancel`, owner.token),
      ]);
      expect([approve.status, cancel.status].sort()).toEqual([200, 409]);
      const expected = stage === 'listed' ? 'canceled' : 'completed';
      expect((await call(`/api/v1/tasks/${taskId}`, { token: owner.token })).body.status).toBe(expected);
    }
  });

  it('cancel and accept racing on a listed task: one applies, and the history shows one move', async () => {
    for (let round = 0; round < 5; round++) {
      const { owner, pro, taskId } = await taskAt('listed');
      const [cancel, accept] = await Promise.all([
        post(`/api/v1/tasks/${taskId}/cancel`, owner.token),
        post(`/api/v1/tasks/${taskId}/accept`, pro.token),
      ]);
      expect([cancel.status, accept.status].sort()).toEqual([200, 409]);
      const [row] = await withDb((db) => db.select().from(tasks).where(eq(tasks.id, taskId)));
      expect(row!.status).toBe(cancel.status === 200 ? 'canceled' : 'in_progress');
      expect(row!.professionalId).toBe(accept.status === 200 ? pro.id : null);
      expect((await eventsOf(taskId)).map((e) => e.type).sort()).toEqual(['created', cancel.status === 200 ? 'canceled' : 'accepted'].sort());
    }
  });

  it('approve, request-revision and dispute racing on a submitted task: exactly one applies', async () => {
    for (let round = 0; round < 3; round++) {
      const { owner, pro, taskId } = await taskAt('submitted');
      const results = await Promise.all([
        post(`/api/v1/tasks/${taskId}/approve`, owner.token, { rating: 5 }),
        post(`/api/v1/tasks/${taskId}/request-revision`, owner.token, { reason: 'redo' }),
        post(`/api/v1/tasks/${taskId}/dispute`, pro.token, { reason: 'unpaid' }),
      ]);
      for (const r of results) expect([200, 409]).toContain(r.status);
      const [approved, revised, disputed] = results.map((r) => r.status === 200);
      // One of the three moves the task out of submitted. A dispute is also allowed from in_progress, so one that
      // arrives after a revision won applies too, as a second move from in_progress.
      expect(Number(approved) + Number(revised) + Number(disputed && !revised)).toBe(1);
      const moves = (await eventsOf(taskId)).filter((e) => e.fromStatus === 'submitted');
      expect(moves).toHaveLength(1);
      // The review (and the professional's rating) exists only if approve was the one that applied.
      const me = await call('/auth/me', { token: pro.token });
      expect(me.body.professional.rating).toBe(results[0]!.status === 200 ? 5 : null);
    }
  });

  it('submitting twice at once creates one submission', async () => {
    const { pro, taskId } = await taskAt('in_progress');
    const results = await Promise.all([0, 1, 2].map((i) => post(`/api/v1/tasks/${taskId}/submit`, pro.token, { text: `attempt ${i}` })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const winner = results.find((r) => r.status === 200)!;
    expect(winner.body.deliverables).toHaveLength(1);
  });
});

describe('concurrent duplicates of one Idempotency-Key', () => {
  it('never both act: one task is created, the duplicates get 409 or the replayed response', async () => {
    const owner = await quickAccount();
    const body = seedTaskBody({ title: 'Concurrent idempotent create' });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => post('/api/v1/tasks', owner.token, body, { 'Idempotency-Key': 'race-create-1' })),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const r of results) {
      if (r.status === 409) expect(r.body.error.code).toBe('CONFLICT');
      else expect(r.status).toBe(201);
    }
    const count = await withDb((db) => db.select().from(tasks).where(eq(tasks.clientId, owner.id)));
    expect(count).toHaveLength(1);
  });

  it('accept with one key from one professional, sent twice at once, accepts once', async () => {
    const { taskId } = await taskAt('listed');
    const pro = await quickVerifiedProfessional();
    const results = await Promise.all([0, 1].map(() => post(`/api/v1/tasks/${taskId}/accept`, pro.token, undefined, { 'Idempotency-Key': 'accept-once' })));
    expect(results.some((r) => r.status === 200)).toBe(true);
    expect((await eventsOf(taskId)).filter((e) => e.type === 'accepted')).toHaveLength(1);
  });
});
