/**
 * Exactly once with an Idempotency-Key (REST) or idempotency_key (MCP): the same parameters however spelled, an
 * answer that fails to be stored, duplicates at once, and the MCP write tools.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks } from '../src/db/schema';
import { randomString } from '../src/lib/ids';
import { call } from './support/api';
import { availableOf, clientWithBalance, expectLedgerInvariants } from './support/balance';
import { withDb } from './support/db';
import { callTool, mcpClient } from './support/mcp';
import { createTask, quickAccount, seedTaskBody } from './support/tasks';

const post = (path: string, token: string, body: unknown, key: string, raw = false) =>
  call(path, { method: 'POST', token, body, raw, headers: { 'Idempotency-Key': key }, settle: true });
const tasksOf = (clientId: string) => withDb((db) => db.select({ id: tasks.id }).from(tasks).where(eq(tasks.clientId, clientId)));

/**
 * Makes the database refuse to store the answer for one key, as a connection lost between the action and the
 * store would: the trigger fires in the statement that stores it, after the action's own statements ran.
 */
async function refuseAnswerFor(key: string): Promise<() => Promise<void>> {
  const trigger = `refuse_answer_${randomString(8).toLowerCase()}`;
  await withDb((db) =>
    db.execute(
      sql.raw(
        `create trigger ${trigger} before insert on idempotency_keys for each row when (new.key = '${key}') execute function refuse_idempotency_answer()`,
      ),
    ),
  );
  return async () => {
    await withDb((db) => db.execute(sql.raw(`drop trigger ${trigger} on idempotency_keys`)));
  };
}

beforeAll(async () => {
  await withDb((db) =>
    db.execute(sql`create or replace function refuse_idempotency_answer() returns trigger language plpgsql as $$
      begin raise exception 'the answer could not be stored'; end $$`),
  );
});
afterAll(async () => {
  await withDb((db) => db.execute(sql`drop function if exists refuse_idempotency_answer() cascade`));
});

describe('the same parameters, however they are spelled', () => {
  it('keys in another order and 15.00 for 15 replay the first answer', async () => {
    const owner = await quickAccount();
    const body = seedTaskBody({ budget_amount: 15 });
    const first = await post('/api/v1/tasks', owner.token, body, 'spelled');
    expect(first.status).toBe(201);
    const { title, description, ...rest } = body;
    const reordered = JSON.stringify({ ...rest, description, title }).replace('"budget_amount":15', '"budget_amount":15.00');
    expect(reordered).toContain('15.00');
    const again = await post('/api/v1/tasks', owner.token, `  ${reordered}\n`, 'spelled', true);
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expect(await tasksOf(owner.id)).toHaveLength(1);
  });

  it('a changed value is still another request: 422', async () => {
    const owner = await quickAccount();
    const body = seedTaskBody({ budget_amount: 15 });
    expect((await post('/api/v1/tasks', owner.token, body, 'changed')).status).toBe(201);
    const other = await post('/api/v1/tasks', owner.token, { ...body, budget_amount: 15.01 }, 'changed');
    expect(other.status).toBe(422);
    expect(await tasksOf(owner.id)).toHaveLength(1);
  });
});

describe('an answer that cannot be stored undoes its action', () => {
  it('create: the failed attempt leaves no task, the retry creates one, a third call replays it', async () => {
    const owner = await quickAccount();
    const key = `store-${randomString(10)}`;
    const body = seedTaskBody();
    const restore = await refuseAnswerFor(key);
    const failed = await post('/api/v1/tasks', owner.token, body, key);
    await restore();
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(failed.body.error.request_id).toMatch(/^req_/);
    expect(await tasksOf(owner.id)).toHaveLength(0);

    const retried = await post('/api/v1/tasks', owner.token, body, key);
    expect(retried.status).toBe(201);
    const replayed = await post('/api/v1/tasks', owner.token, body, key);
    expect(replayed.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replayed.body.id).toBe(retried.body.id);
    expect(await tasksOf(owner.id)).toHaveLength(1);
  });

  it('fund-from-balance: the money moves once', async () => {
    const owner = await clientWithBalance(30);
    const task = await createTask(owner, { budget_amount: 5 });
    const key = `fund-${randomString(10)}`;
    const restore = await refuseAnswerFor(key);
    const failed = await post(`/api/v1/tasks/${task.id}/fund-from-balance`, owner.token, { amount: 5 }, key);
    await restore();
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await availableOf(owner)).toBe(30);

    const retried = await post(`/api/v1/tasks/${task.id}/fund-from-balance`, owner.token, { amount: 5 }, key);
    expect(retried.status).toBe(200);
    expect(retried.body.funding).toEqual({ status: 'funded', escrow_amount: 5 });
    const replayed = await post(`/api/v1/tasks/${task.id}/fund-from-balance`, owner.token, { amount: 5.0 }, key);
    expect(replayed.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await availableOf(owner)).toBe(25);
    await expectLedgerInvariants();
  });

  it('a balance return by an admin is recorded once', async () => {
    const admin = await quickAccount('admin');
    const owner = await clientWithBalance(20);
    const key = `return-${randomString(10)}`;
    const path = `/api/v1/admin/users/${owner.id}/balance-returns`;
    const restore = await refuseAnswerFor(key);
    const failed = await post(path, admin.token, { amount: 7, note: 'wire sent' }, key);
    await restore();
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(await availableOf(owner)).toBe(20);
    expect((await post(path, admin.token, { amount: 7, note: 'wire sent' }, key)).status).toBe(201);
    expect((await post(path, admin.token, { note: 'wire sent', amount: 7 }, key)).headers.get('Idempotent-Replayed')).toBe('true');
    expect(await availableOf(owner)).toBe(13);
  });
});

describe('duplicates at once', () => {
  it('8 identical creates with one key at the same moment: one task; every answer is its answer or a 409', async () => {
    const owner = await quickAccount();
    const body = seedTaskBody();
    const answers = await Promise.all(Array.from({ length: 8 }, () => post('/api/v1/tasks', owner.token, body, 'at-once')));
    const created = await tasksOf(owner.id);
    expect(created).toHaveLength(1);
    for (const answer of answers) {
      if (answer.status === 201) expect(answer.body.id).toBe(created[0]!.id);
      else expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status: 409, code: 'CONFLICT' });
    }
    expect(answers.filter((a) => a.status === 201 && a.headers.get('Idempotent-Replayed') === null)).toHaveLength(1);
  });
});

describe('MCP write tools take idempotency_key', () => {
  it('create_task retried with one key creates one task and returns the first result', async () => {
    const owner = await quickAccount();
    const client = await mcpClient(owner.token);
    const args = { ...seedTaskBody(), idempotency_key: 'mcp-create-1' };
    const first = await callTool(client, 'create_task', args);
    const second = await callTool(client, 'create_task', { ...args });
    expect(first.ok && second.ok).toBe(true);
    expect(second.data.id).toBe(first.data.id);
    expect(second.result._meta).toMatchObject({ idempotent_replayed: true });
    expect(first.result._meta).toBeUndefined();
    expect(await tasksOf(owner.id)).toHaveLength(1);

    const other = await callTool(client, 'create_task', { ...args, budget_amount: 99 });
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.error.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await tasksOf(owner.id)).toHaveLength(1);
    await client.close();
  });

  it('a result that cannot be stored undoes the call; the retry acts once', async () => {
    const owner = await quickAccount();
    const client = await mcpClient(owner.token);
    const key = `mcp-${randomString(10)}`;
    const body = seedTaskBody();
    const restore = await refuseAnswerFor(key);
    const failed = await callTool(client, 'create_task', { ...body, idempotency_key: key });
    await restore();
    expect(failed.ok).toBe(false);
    expect(await tasksOf(owner.id)).toHaveLength(0);
    const retried = await callTool(client, 'create_task', { ...body, idempotency_key: key });
    expect(retried.ok).toBe(true);
    expect(await tasksOf(owner.id)).toHaveLength(1);
    await client.close();
  });

  it('without a key every call acts; read-only tools do not take one', async () => {
    const owner = await quickAccount();
    const client = await mcpClient(owner.token);
    await callTool(client, 'create_task', seedTaskBody());
    await callTool(client, 'create_task', seedTaskBody());
    expect(await tasksOf(owner.id)).toHaveLength(2);
    const { tools } = await client.listTools();
    const takesKey = (name: string) => Object.keys(tools.find((t) => t.name === name)!.inputSchema.properties ?? {}).includes('idempotency_key');
    for (const name of ['create_task', 'fund_task', 'fund_task_from_balance', 'approve_task', 'request_revision', 'cancel_task']) expect({ name, key: takesKey(name) }).toEqual({ name, key: true });
    for (const name of ['get_task', 'list_tasks', 'wait_for_task', 'get_balance', 'list_categories']) expect({ name, key: takesKey(name) }).toEqual({ name, key: false });
    const refused = await callTool(client, 'get_task', { task_id: 'task_x', idempotency_key: 'k' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('VALIDATION_ERROR');
    await client.close();
  });
});
