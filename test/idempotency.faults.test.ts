/**
 * Exactly once while the database connection keeps dying: creates and balance fundings with Idempotency-Keys, each
 * retried until it gets a final answer, while another connection terminates the Worker's backends at random moments
 * (between any two statements, the commit included).
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tasks } from '../src/db/schema';
import { randomString } from '../src/lib/ids';
import { call, env, type ApiResponse } from './support/api';
import { availableOf, clientWithBalance, expectLedgerInvariants } from './support/balance';
import { withDb } from './support/db';
import { createTask, quickAccount, seedTaskBody } from './support/tasks';

/** The Worker's DATABASE_URL with an application_name, so the killer finds this test's backends and no one else's. */
function taggedDatabase(): { tag: string; bindings: Record<string, string> } {
  const tag = `faults_${randomString(8).toLowerCase()}`;
  const url = new URL(env.DATABASE_URL!);
  url.searchParams.set('application_name', tag);
  return { tag, bindings: { DATABASE_URL: url.toString() } };
}

/** Terminates one of the tagged backends, chosen at random, every 50 to 150 ms until stopped; counts the kills. */
function startKiller(tag: string) {
  let running = true;
  let killed = 0;
  const done = withDb(async (db) => {
    while (running) {
      const rows = await db.execute<{ n: string }>(
        sql`select count(*) filter (where pg_terminate_backend(pid)) as n
            from (select pid from pg_stat_activity where application_name = ${tag} order by random() limit 1) victim`,
      );
      killed += Number(rows.rows[0]!.n);
      await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 100)));
    }
  });
  return {
    stop: async () => {
      running = false;
      await done;
      return killed;
    },
  };
}

/**
 * Sends the request until it gets an answer that is not a server error, backing off a little as a client would;
 * returns it and how many attempts failed.
 */
async function untilAnswered(send: () => Promise<ApiResponse>): Promise<{ res: ApiResponse; failures: number }> {
  for (let failures = 0; failures < 100; failures++) {
    const res = await send();
    if (res.status < 500) return { res, failures };
    await new Promise((r) => setTimeout(r, Math.min(10 * (failures + 1), 100)));
  }
  throw new Error('no answer after 100 attempts');
}

async function inBatches<T>(count: number, width: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    results.push(...(await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, j) => work(start + j)))));
  }
  return results;
}

describe('Idempotency-Key while connections die', () => {
  it('200 creates: every key ends with exactly one task, and its answer shows that task', async () => {
    const owner = await quickAccount();
    const { tag, bindings } = taggedDatabase();
    const body = seedTaskBody();
    const killer = startKiller(tag);
    const outcomes = await inBatches(200, 8, (i) =>
      untilAnswered(() =>
        call('/api/v1/tasks', { method: 'POST', token: owner.token, body: { ...body, title: `Call ${i}` }, headers: { 'Idempotency-Key': `fault-${i}` }, env: bindings }),
      ),
    );
    const killed = await killer.stop();

    const stored = await withDb((db) => db.select({ id: tasks.id, title: tasks.title }).from(tasks).where(eq(tasks.clientId, owner.id)));
    const failures = outcomes.reduce((sum, o) => sum + o.failures, 0);
    console.log(`[faults] 200 creates: ${killed} backends killed, ${failures} attempts answered 5xx and retried, ${stored.length} tasks`);
    expect(failures).toBeGreaterThan(0);
    expect(stored).toHaveLength(200);
    expect(new Set(stored.map((t) => t.title)).size).toBe(200);
    const byTitle = new Map(stored.map((t) => [t.title, t.id]));
    outcomes.forEach(({ res }, i) => {
      expect(res.status).toBe(201);
      expect(res.body.id).toBe(byTitle.get(`Call ${i}`));
    });
  }, 180_000);

  it('60 balance fundings: each moves its money once', async () => {
    const owner = await clientWithBalance(60);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push((await createTask(owner, { budget_amount: 1 })).id);
    const { tag, bindings } = taggedDatabase();
    const killer = startKiller(tag);
    const outcomes = await inBatches(60, 4, (i) =>
      untilAnswered(() =>
        call(`/api/v1/tasks/${ids[i]}/fund-from-balance`, {
          method: 'POST',
          token: owner.token,
          body: { amount: 1 },
          headers: { 'Idempotency-Key': `fund-fault-${i}` },
          env: bindings,
        }),
      ),
    );
    const killed = await killer.stop();
    const failures = outcomes.reduce((sum, o) => sum + o.failures, 0);
    console.log(`[faults] 60 fundings: ${killed} backends killed, ${failures} attempts answered 5xx and retried`);
    expect(failures).toBeGreaterThan(0);
    for (const { res } of outcomes) expect({ status: res.status, funding: res.body.funding }).toEqual({ status: 200, funding: { status: 'funded', escrow_amount: 1 } });
    expect(await availableOf(owner)).toBe(0);
    await expectLedgerInvariants();
  }, 180_000);
});
