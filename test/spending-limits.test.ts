/** Spending limits on API keys: max_task_amount and daily_limit, for tasks posted and checkouts opened with a key. */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../src/context';
import { apiKeySpend, checkouts, tasks } from '../src/db/schema';
import { ApiError } from '../src/lib/errors';
import { assertWithinSpendingLimits, type SpendKind } from '../src/services/spending-limits';
import { call } from './support/api';
import { withDb } from './support/db';
import { fake } from './support/stripe';
import { quickAccount, seedTaskBody } from './support/tasks';
import type { TestAccount } from './support/accounts';

interface Limits {
  max_task_amount?: number | null;
  daily_limit?: number | null;
}

async function keyWith(owner: TestAccount, limits: Limits = {}) {
  const res = await call('/api/v1/api-keys', { token: owner.token, body: { name: 'agent', ...limits } });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; key: string; max_task_amount: number | null; daily_limit: number | null };
}

const postTask = (credential: string, budget: number) =>
  call('/api/v1/tasks', { token: credential, body: seedTaskBody({ budget_amount: budget }) });

/** The spending check as the checkout service runs it: inside its transaction, after the task is locked. */
async function fund(caller: Caller, taskId: string, amountCents: number, kind: SpendKind = 'funding'): Promise<ApiError | null> {
  try {
    await withDb((db) => db.transaction((tx) => assertWithinSpendingLimits(tx, caller, amountCents, kind, taskId)));
    return null;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
}

const keyCaller = (owner: TestAccount, keyId: string): Caller => ({ id: owner.id, role: 'ai_client', authMethod: 'api_key', apiKeyId: keyId, livemode: true });

describe('API key limits: setting and showing them', () => {
  it('are optional on create, stored in cents, and shown in the create response and the list', async () => {
    const owner = await quickAccount('ai_client');
    const limited = await keyWith(owner, { max_task_amount: 20, daily_limit: 49.99 });
    expect(limited).toMatchObject({ max_task_amount: 20, daily_limit: 49.99 });
    const open = await keyWith(owner, { max_task_amount: null });
    expect(open).toMatchObject({ max_task_amount: null, daily_limit: null });

    const list = await call('/api/v1/api-keys', { token: owner.token });
    expect(list.body.data).toEqual([
      expect.objectContaining({ id: open.id, max_task_amount: null, daily_limit: null }),
      expect.objectContaining({ id: limited.id, max_task_amount: 20, daily_limit: 49.99 }),
    ]);
    const [row] = await withDb((db) => db.execute<{ max_task_cents: number; daily_limit_cents: number }>(
      sql`select max_task_cents, daily_limit_cents from api_keys where id = ${limited.id}`,
    )).then((r) => r.rows);
    expect(row).toEqual({ max_task_cents: 2000, daily_limit_cents: 4999 });
  });

  it('refuses amounts that are not whole cents, not positive, or over the cap, naming the field', async () => {
    const owner = await quickAccount('ai_client');
    for (const [field, value] of [
      ['max_task_amount', 0],
      ['max_task_amount', -5],
      ['max_task_amount', 10.001],
      ['max_task_amount', 100_000.01],
      ['max_task_amount', '20'],
      ['daily_limit', 0],
      ['daily_limit', 1_000_000.01],
    ] as const) {
      const res = await call('/api/v1/api-keys', { token: owner.token, body: { name: 'agent', [field]: value } });
      expect(res.status, `${field}=${value}`).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual([field]);
    }
    expect((await call('/api/v1/api-keys', { token: owner.token })).body.total).toBe(0);
  });
});

describe('max_task_amount', () => {
  it('a key with max_task_amount 20 cannot post a 25 USD task: 403 SPENDING_LIMIT naming the limit; 20 USD passes', async () => {
    const owner = await quickAccount('ai_client');
    const { key } = await keyWith(owner, { max_task_amount: 20 });

    const refused = await postTask(key, 25);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'SPENDING_LIMIT',
      message: expect.stringContaining('max_task_amount is 20.00 USD'),
      details: [{ path: 'budget_amount', message: 'max_task_amount is 20.00 USD' }],
    });
    // Nothing was posted.
    expect((await call('/api/v1/tasks', { token: owner.token })).body.total).toBe(0);

    const allowed = await postTask(key, 20);
    expect(allowed.status).toBe(201);
  });

  it('a key without limits posts any budget, and the task records which key posted it', async () => {
    const owner = await quickAccount('ai_client');
    const { id, key } = await keyWith(owner);
    const posted = await postTask(key, 25);
    expect(posted.status).toBe(201);
    const byJwt = await postTask(owner.token, 25);
    const rows = await withDb((db) => db.select({ id: tasks.id, key: tasks.createdByApiKeyId }).from(tasks).where(eq(tasks.clientId, owner.id)));
    expect(Object.fromEntries(rows.map((r) => [r.id, r.key]))).toEqual({ [posted.body.id]: id, [byJwt.body.id]: null });
  });

  it('bounds each checkout opened with the key (amount is the field named)', async () => {
    const owner = await quickAccount('ai_client');
    const { id: keyId } = await keyWith(owner, { max_task_amount: 20 });
    const task = (await postTask(owner.token, 15)).body;
    const refused = await fund(keyCaller(owner, keyId), task.id, 2001);
    expect(refused).toMatchObject({ code: 'SPENDING_LIMIT', status: 403, details: [{ path: 'amount', message: 'max_task_amount is 20.00 USD' }] });
    expect(await fund(keyCaller(owner, keyId), task.id, 2000)).toBeNull();
  });
});

describe('checkouts opened with a limited key (POST /api/v1/payments/checkout)', () => {
  const checkout = (credential: string, taskId: string, amount: number) =>
    call('/api/v1/payments/checkout', {
      token: credential,
      body: { task_id: taskId, amount, success_url: 'https://agent.example/funded', cancel_url: 'https://agent.example/canceled' },
      settle: true,
    });

  it('over max_task_amount: 403 SPENDING_LIMIT, no checkout recorded, nothing counted, the Stripe session expired', async () => {
    const owner = await quickAccount('ai_client');
    const { id: keyId, key } = await keyWith(owner, { max_task_amount: 20 });
    const task = (await postTask(key, 15)).body;

    const refused = await checkout(key, task.id, 25);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'SPENDING_LIMIT',
      message: expect.stringContaining('a checkout of 25.00 USD'),
      details: [{ path: 'amount', message: 'max_task_amount is 20.00 USD' }],
    });
    expect(await withDb((db) => db.select().from(checkouts).where(eq(checkouts.taskId, task.id)))).toEqual([]);
    const spent = await withDb((db) => db.select().from(apiKeySpend).where(eq(apiKeySpend.apiKeyId, keyId)));
    expect(spent.map((s) => [s.kind, s.amountCents])).toEqual([['task', 1500]]);
    // The session opened before the check was expired at Stripe once the transaction ended.
    const expired = (await fake<{ data: any[] }>('/__events?type=checkout.session.expired')).data;
    expect(expired.filter((e) => e.data.object.client_reference_id === task.id)).toHaveLength(1);
    const owned = await call(`/api/v1/tasks/${task.id}`, { token: owner.token });
    expect(owned.body.funding.status).toBe('unfunded');

    // Within the limit the checkout opens and the funding is recorded against the key; a JWT has no key limits.
    expect((await checkout(key, task.id, 20)).status).toBe(201);
    expect((await checkout(owner.token, task.id, 25)).status).toBe(201);
    const after = await withDb((db) => db.select().from(apiKeySpend).where(eq(apiKeySpend.apiKeyId, keyId)));
    expect(after.map((s) => [s.kind, s.amountCents]).sort()).toEqual([['funding', 2000], ['task', 1500]]);
    expect(await withDb((db) => db.select().from(checkouts).where(eq(checkouts.taskId, task.id)))).toHaveLength(2);
  });
});

describe('daily_limit', () => {
  it('accumulates across tasks posted with the key, and says how much was committed', async () => {
    const owner = await quickAccount('ai_client');
    const { key } = await keyWith(owner, { daily_limit: 50 });
    expect((await postTask(key, 20)).status).toBe(201);
    expect((await postTask(key, 20)).status).toBe(201);

    const refused = await postTask(key, 15);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'SPENDING_LIMIT',
      details: [{ path: 'budget_amount', message: 'daily_limit is 50.00 USD (40.00 USD committed in the last 24 hours)' }],
    });
    expect(refused.body.error.message).toContain('10.00 USD left');

    // Up to the limit exactly, and not a cent past it.
    expect((await postTask(key, 10)).status).toBe(201);
    expect((await postTask(key, 0.01)).status).toBe(403);
    expect((await call('/api/v1/tasks', { token: owner.token })).body.total).toBe(3);
  });

  it('counts the trailing 24 hours: commitments older than that no longer count', async () => {
    const owner = await quickAccount('ai_client');
    const { id, key } = await keyWith(owner, { daily_limit: 30 });
    expect((await postTask(key, 30)).status).toBe(201);
    expect((await postTask(key, 1)).status).toBe(403);
    await withDb((db) => db.update(apiKeySpend).set({ createdAt: sql`now() - interval '24 hours 1 minute'` }).where(eq(apiKeySpend.apiKeyId, id)));
    expect((await postTask(key, 30)).status).toBe(201);
  });

  it("binds one key: the account's other keys and its JWT are not limited by it", async () => {
    const owner = await quickAccount('ai_client');
    const limited = await keyWith(owner, { max_task_amount: 20, daily_limit: 20 });
    const other = await keyWith(owner);
    expect((await postTask(limited.key, 20)).status).toBe(201);
    expect((await postTask(limited.key, 5)).status).toBe(403);
    // JWT calls carry no key, so no key limits: any budget, any number of tasks.
    for (const budget of [25, 100, 1000]) expect((await postTask(owner.token, budget)).status).toBe(201);
    expect((await postTask(other.key, 500)).status).toBe(201);
    // And they did not count against the limited key.
    const spent = await withDb((db) => db.select().from(apiKeySpend).where(eq(apiKeySpend.apiKeyId, limited.id)));
    expect(spent.map((s) => [s.kind, s.amountCents])).toEqual([['task', 2000]]);
  });

  it('counts a task once: funding what the key posted adds only what goes over the budget', async () => {
    const owner = await quickAccount('ai_client');
    const { id: keyId, key } = await keyWith(owner, { daily_limit: 50 });
    const caller = keyCaller(owner, keyId);
    const task = (await postTask(key, 20)).body;
    // 20 posted + 20 funded for the same task is 20 committed, so 30 remain.
    expect(await fund(caller, task.id, 2000)).toBeNull();
    expect((await postTask(key, 25)).status).toBe(201); // 45
    // Overfunding the first task by 5 takes it to 25: 50 in all.
    expect(await fund(caller, task.id, 500)).toBeNull();
    const refused = await fund(caller, task.id, 1);
    expect(refused).toMatchObject({ code: 'SPENDING_LIMIT', details: [{ path: 'amount', message: 'daily_limit is 50.00 USD (50.00 USD committed in the last 24 hours)' }] });
    // Funding a task posted with a JWT counts in full.
    const other = (await postTask(owner.token, 10)).body;
    expect(await fund(caller, other.id, 100)).toMatchObject({ code: 'SPENDING_LIMIT' });
  });

  it('checks nothing for JWT callers', async () => {
    const owner = await quickAccount('ai_client');
    const task = (await postTask(owner.token, 15)).body;
    expect(await fund({ id: owner.id, role: 'ai_client', authMethod: 'jwt', apiKeyId: null, livemode: true }, task.id, 9_000_000)).toBeNull();
    expect(await withDb((db) => db.select().from(apiKeySpend).where(eq(apiKeySpend.taskId, task.id)))).toEqual([]);
  });

  it('concurrent posts with one key cannot slip under the daily limit together', async () => {
    const owner = await quickAccount('ai_client');
    const { id, key } = await keyWith(owner, { daily_limit: 50 });
    const results = await Promise.all(Array.from({ length: 8 }, () => postTask(key, 15)));
    const statuses = results.map((r) => r.status).sort();
    // 3 x 15 = 45 fits; a 4th would be 60.
    expect(statuses).toEqual([201, 201, 201, 403, 403, 403, 403, 403]);
    for (const r of results.filter((r) => r.status === 403)) expect(r.body.error.code).toBe('SPENDING_LIMIT');
    const spent = await withDb((db) => db.select().from(apiKeySpend).where(eq(apiKeySpend.apiKeyId, id)));
    expect(spent.reduce((sum, s) => sum + s.amountCents, 0)).toBe(4500);
  });
});
