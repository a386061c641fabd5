/**
 * The hot path: a task read is one statement with its credential check inside it, tokens name their caller without a
 * database read, and lists of tasks are one statement with a capped count. Statements are counted by the local SQL
 * endpoint (src/node/sql-over-http.ts) by the values they carried, so other test files running meanwhile do not
 * disturb the count.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeys, tasks } from '../src/db/schema';
import { TOTAL_CAP } from '../src/db/queries/tasks';
import { call, env } from './support/api';
import { withDb } from './support/db';
import { createTask, quickAccount, quickVerifiedProfessional, taskAt } from './support/tasks';

/** Statements served (among the endpoint's recent ones) whose parameters held every one of `values`. */
async function statementsWith(...values: string[]): Promise<number> {
  const query = values.map((value) => `param=${encodeURIComponent(value)}`).join('&');
  const res = await fetch(`http://127.0.0.1:${env.DB_RELAY_PORT}/stats?${query}`);
  return ((await res.json()) as { with_param: number }).with_param;
}

async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function newKey(token: string): Promise<{ id: string; key: string }> {
  const res = await call('/api/v1/api-keys', { token, body: { name: 'hot path' } });
  expect(res.status).toBe(201);
  return res.body;
}

describe('GET /api/v1/tasks/{id}: one statement, credential check included', () => {
  it('with a JWT: the account and the task are read by the same single statement', async () => {
    const owner = await quickAccount('ai_client');
    const task = await createTask(owner);
    const [byTask, byCaller] = [await statementsWith(task.id), await statementsWith(owner.id)];
    const res = await call(`/api/v1/tasks/${task.id}`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(task.id);
    expect(await statementsWith(task.id)).toBe(byTask + 1);
    expect(await statementsWith(owner.id)).toBe(byCaller + 1);
    // ...and that one statement carried both.
    expect(await statementsWith(task.id, owner.id)).toBeGreaterThanOrEqual(1);
  });

  it('with an API key: the key lookup (and its last_used_at stamp) and the task are one statement', async () => {
    const owner = await quickAccount('ai_client');
    const task = await createTask(owner);
    const { id: keyId, key } = await newKey(owner.token);
    const hash = await sha256Hex(key);
    const [byTask, byKey] = [await statementsWith(task.id), await statementsWith(hash)];
    const res = await call(`/api/v1/tasks/${task.id}`, { headers: { 'X-API-Key': key } });
    expect(res.status).toBe(200);
    expect(await statementsWith(task.id)).toBe(byTask + 1);
    expect(await statementsWith(hash)).toBe(byKey + 1);
    expect(await statementsWith(task.id, hash)).toBeGreaterThanOrEqual(1);
    const [row] = await withDb((db) => db.select({ lastUsedAt: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, keyId)));
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
  });

  it('keeps the rules: a revoked key is 401, another account or an unknown id 404, verified professionals see listed tasks', async () => {
    const { owner, taskId } = await taskAt('listed');
    const { id: keyId, key } = await newKey(owner.token);
    expect((await call(`/api/v1/tasks/${taskId}`, { token: key })).status).toBe(200);
    expect((await call(`/api/v1/api-keys/${keyId}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    const revoked = await call(`/api/v1/tasks/${taskId}`, { token: key });
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.code).toBe('UNAUTHORIZED');
    expect(revoked.headers.get('WWW-Authenticate')).toMatch(/^Bearer /);

    const stranger = await quickAccount('ai_client');
    expect((await call(`/api/v1/tasks/${taskId}`, { token: stranger.token })).status).toBe(404);
    expect((await call(`/api/v1/tasks/task_0000000000000000`, { token: owner.token })).status).toBe(404);
    const verified = await quickVerifiedProfessional();
    expect((await call(`/api/v1/tasks/${taskId}`, { token: verified.token })).status).toBe(200);
    const unverified = await quickAccount('professional');
    expect((await call(`/api/v1/tasks/${taskId}`, { token: unverified.token })).status).toBe(404);
  });

  it('a token whose account is gone is 401 on the hot read too', async () => {
    const owner = await quickAccount('ai_client');
    const task = await createTask(owner);
    const other = await quickAccount('ai_client');
    await withDb((db) => db.execute(sql`delete from users where id = ${other.id}`));
    const res = await call(`/api/v1/tasks/${task.id}`, { token: other.token });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/no longer exists/);
  });
});

describe('lists of tasks', () => {
  it('a page is one statement: the page, its count and the cursor check together', async () => {
    const owner = await quickAccount('ai_client');
    const [first, second] = [await createTask(owner), await createTask(owner)];
    const before = await statementsWith(owner.id);
    const res = await call(`/api/v1/tasks?limit=1&starting_after=${second.id}`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 2, total_capped: false, has_more: false, data: [{ id: first.id }] });
    expect(await statementsWith(owner.id)).toBe(before + 1);
  });

  it(`counts up to ${TOTAL_CAP}: past that, total is the cap and total_capped is true; has_more stays exact`, async () => {
    const owner = await quickAccount('ai_client');
    await withDb((db) =>
      db.execute(sql`
        insert into ${tasks} (id, client_id, title, description, category, location_type, budget_cents, budget_type)
        select 'task_cap' || lpad(g::text, 12, '0'), ${owner.id}, 'Task ' || g, 'Capped count', 'research_analysis', 'remote', 1500, 'fixed'
        from generate_series(1, ${TOTAL_CAP + 5}) g`),
    );
    const full = await call('/api/v1/tasks?limit=100', { token: owner.token });
    expect(full.body).toMatchObject({ total: TOTAL_CAP, total_capped: true, has_more: true });
    const last = await call(`/api/v1/tasks?limit=10&offset=${TOTAL_CAP}`, { token: owner.token });
    expect(last.body).toMatchObject({ total: TOTAL_CAP, total_capped: true, has_more: false });
    expect(last.body.data).toHaveLength(5);
    // Past the end: an empty page still says how many there are.
    const past = await call(`/api/v1/tasks?offset=${TOTAL_CAP + 5}`, { token: owner.token });
    expect(past.body).toMatchObject({ data: [], total: TOTAL_CAP, total_capped: true, has_more: false });
  });
});
