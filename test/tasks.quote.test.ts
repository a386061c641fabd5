/**
 * Quotes (POST /api/v1/tasks/quote, POST /api/v1/tasks?dry_run=true, the quote_task tool): the figures are what
 * funding and approval later post, to the cent; bad input and spending limits come back as errors in a 200; nothing
 * is created or recorded.
 */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeySpend, tasks } from '../src/db/schema';
import type { TestAccount } from './support/accounts';
import { call } from './support/api';
import { expectLedgerInvariants } from './support/balance';
import { withDb } from './support/db';
import { callTool, mcpClient } from './support/mcp';
import { act, balanceOf } from './support/payments';
import { daysFromNow, fundTask, quickAccount, quickVerifiedProfessional, seedTaskBody } from './support/tasks';

const quote = (who: { token: string }, body: unknown, options: { env?: Record<string, unknown> } = {}) =>
  call('/api/v1/tasks/quote', { method: 'POST', token: who.token, body, ...options });

const tasksOf = async (clientId: string) => (await withDb((db) => db.select({ id: tasks.id }).from(tasks).where(eq(tasks.clientId, clientId)))).length;

const cents = (usd: number) => Math.round(usd * 100);

/** The release's ledger lines by account (the transaction approval posts). */
async function releaseLines(taskId: string): Promise<Record<string, number>> {
  const { rows } = await withDb((db) =>
    db.execute<{ account_id: string; amount_cents: number }>(sql`
      select e.account_id, e.amount_cents from ledger_transactions t join ledger_entries e on e.transaction_id = t.id
      where t.reference = ${`release:${taskId}`}`),
  );
  return Object.fromEntries(rows.map((r) => [r.account_id, Number(r.amount_cents)]));
}

/** Posts the quoted body, funds it with the quote's total_to_fund, has it delivered and approves it. */
async function postFundAndApprove(owner: TestAccount, body: Record<string, unknown>, fundUsd: number) {
  const pro = await quickVerifiedProfessional('Quinn Quoted');
  const created = await call('/api/v1/tasks', { token: owner.token, body });
  expect(created.status, created.text).toBe(201);
  const taskId = created.body.id as string;
  await fundTask(owner, taskId, fundUsd);
  await act(taskId, 'accept', pro);
  await act(taskId, 'submit', pro, { text: 'Done.' });
  await act(taskId, 'approve', owner);
  return { taskId, pro };
}

async function keyWith(owner: TestAccount, limits: { max_task_amount?: number; daily_limit?: number }) {
  const res = await call('/api/v1/api-keys', { token: owner.token, body: { name: 'quoting agent', ...limits } });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; key: string };
}

describe('POST /api/v1/tasks/quote: the figures are what funding and approval do', () => {
  const cases = [
    { name: 'a fixed-price task funded at its budget', body: { budget_type: 'fixed', budget_amount: 33.33 }, funding: undefined },
    { name: 'a fixed-price task funded above its budget', body: { budget_type: 'fixed', budget_amount: 15.37 }, funding: 20.01 },
    { name: 'an hourly task (all of the escrow is paid)', body: { budget_type: 'hourly', budget_amount: 25 }, funding: 80.55 },
  ];

  for (const { name, body, funding } of cases) {
    it(`${name}: ledger and balances match the quote to the cent`, async () => {
      const owner = await quickAccount('ai_client');
      const taskBody = seedTaskBody(body);
      const res = await quote(owner, funding === undefined ? taskBody : { ...taskBody, funding_amount: funding });
      expect(res.status, res.text).toBe(200);
      const q = res.body;
      expect(q).toMatchObject({ object: 'quote', valid: true, errors: [], currency: 'usd', budget_type: body.budget_type, budget_amount: body.budget_amount, platform_fee_bps: 100 });
      expect(q.total_to_fund).toBe(funding ?? body.budget_amount);
      expect(cents(q.platform_fee) + cents(q.professional_receives) + cents(q.returned_to_balance_on_release)).toBe(cents(q.total_to_fund));
      expect(await tasksOf(owner.id)).toBe(0);

      const { taskId, pro } = await postFundAndApprove(owner, taskBody, q.total_to_fund);
      expect(await releaseLines(taskId)).toEqual({
        [`escrow:${taskId}`]: -cents(q.total_to_fund),
        ...(q.professional_receives > 0 ? { [`available:${pro.id}`]: cents(q.professional_receives) } : {}),
        ...(q.platform_fee > 0 ? { 'platform:fees': cents(q.platform_fee) } : {}),
        ...(q.returned_to_balance_on_release > 0 ? { [`available:${owner.id}`]: cents(q.returned_to_balance_on_release) } : {}),
      });
      expect((await balanceOf(pro)).available_balance).toBe(q.professional_receives);
      expect((await balanceOf(owner)).available_balance).toBe(q.returned_to_balance_on_release);
      await expectLedgerInvariants();
    });
  }

  it('spells out the overfunded case: 15.37 budget, 20.01 funded', async () => {
    const owner = await quickAccount('client');
    const res = await quote(owner, { ...seedTaskBody({ budget_amount: 15.37 }), funding_amount: 20.01 });
    expect(res.body).toEqual({
      object: 'quote',
      valid: true,
      errors: [],
      budget_amount: 15.37,
      budget_type: 'fixed',
      currency: 'usd',
      total_to_fund: 20.01,
      platform_fee_bps: 100,
      platform_fee: 0.15,
      professional_receives: 15.22,
      returned_to_balance_on_release: 4.64,
    });
  });

  it("uses this deployment's PLATFORM_FEE_BPS", async () => {
    const owner = await quickAccount('ai_client');
    const res = await quote(owner, seedTaskBody({ budget_amount: 40 }), { env: { PLATFORM_FEE_BPS: '250' } });
    expect(res.body).toMatchObject({ platform_fee_bps: 250, platform_fee: 1, professional_receives: 39 });
  });
});

describe('POST /api/v1/tasks/quote: errors instead of a 400, and nothing created', () => {
  it('lists every field the create would reject, with valid false and no figures when the budget is invalid', async () => {
    const owner = await quickAccount('ai_client');
    const body = seedTaskBody({ title: '', budget_amount: 10.001, location_type: 'local', deadline: '2020-01-01T00:00:00Z', status: 'open' });
    const res = await quote(owner, body);
    expect(res.status, res.text).toBe(200);
    expect(res.body.valid).toBe(false);
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['budget_amount', 'deadline', 'location', 'status', 'title']);
    for (const e of res.body.errors) expect(e.code).toBe('VALIDATION_ERROR');
    expect(res.body).toMatchObject({ budget_amount: null, total_to_fund: null, platform_fee: null, professional_receives: null, returned_to_balance_on_release: null });

    // The same body posted for real is refused with the same fields.
    const created = await call('/api/v1/tasks', { token: owner.token, body });
    expect(created.status).toBe(400);
    expect(created.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(paths);
    expect(await tasksOf(owner.id)).toBe(0);
  });

  it('still prices a body whose only fault is elsewhere', async () => {
    const owner = await quickAccount('ai_client');
    const res = await quote(owner, { ...seedTaskBody({ budget_amount: 50, deadline: daysFromNow(-1) }), funding_amount: 60 });
    expect(res.body).toMatchObject({ valid: false, total_to_fund: 60, professional_receives: 49.5, platform_fee: 0.5, returned_to_balance_on_release: 10 });
    expect(res.body.errors).toEqual([{ code: 'VALIDATION_ERROR', path: 'deadline', message: 'Must be in the future.' }]);
  });

  it('names a fixed-price funding below the budget, as the checkout would refuse it', async () => {
    const owner = await quickAccount('ai_client');
    const res = await quote(owner, { ...seedTaskBody({ budget_amount: 15 }), funding_amount: 10 });
    expect(res.body.valid).toBe(false);
    expect(res.body.errors).toEqual([{ code: 'VALIDATION_ERROR', path: 'funding_amount', message: "Must be at least the task's budget_amount (15 USD)." }]);
    // An hourly task may be funded with any amount.
    expect((await quote(owner, { ...seedTaskBody({ budget_type: 'hourly', budget_amount: 15 }), funding_amount: 10 })).body.valid).toBe(true);
  });

  it('a body that is not JSON is still 400 INVALID_JSON; a body that is not an object is a quote of nothing', async () => {
    const owner = await quickAccount('ai_client');
    const broken = await call('/api/v1/tasks/quote', { method: 'POST', token: owner.token, body: '{"title": ', raw: true });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('INVALID_JSON');
    const list = await quote(owner, [1, 2]);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ valid: false, errors: [{ code: 'VALIDATION_ERROR', path: '(body)' }], total_to_fund: null });
  });

  it('is for clients: no credential is 401, a professional 403', async () => {
    expect((await call('/api/v1/tasks/quote', { body: seedTaskBody() })).status).toBe(401);
    const pro = await quickVerifiedProfessional();
    const res = await quote(pro, seedTaskBody());
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});

describe('quotes and API key spending limits', () => {
  it("warns of max_task_amount on the budget and the funding, and records nothing against the key", async () => {
    const owner = await quickAccount('ai_client');
    const key = await keyWith(owner, { max_task_amount: 20 });
    const res = await quote({ token: key.key }, { ...seedTaskBody({ budget_amount: 15 }), funding_amount: 25 });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.errors).toEqual([
      { code: 'SPENDING_LIMIT', path: 'funding_amount', message: "This API key's max_task_amount is 20.00 USD: a checkout of 25.00 USD is over it." },
    ]);
    expect(res.body.professional_receives).toBe(14.85);
    // Signed in with a password, the same account has no key limits.
    expect((await quote(owner, { ...seedTaskBody({ budget_amount: 15 }), funding_amount: 25 })).body.valid).toBe(true);
    const recorded = await withDb((db) => db.select().from(apiKeySpend).where(eq(apiKeySpend.apiKeyId, key.id)));
    expect(recorded).toEqual([]);
  });

  it('counts what the key already committed today against daily_limit, as create and checkout do', async () => {
    const owner = await quickAccount('ai_client');
    const key = await keyWith(owner, { daily_limit: 30 });
    const agent = { token: key.key };
    expect((await quote(agent, seedTaskBody({ budget_amount: 20 }))).body.valid).toBe(true);
    expect((await call('/api/v1/tasks', { token: key.key, body: seedTaskBody({ budget_amount: 20 }) })).status).toBe(201);

    const over = await quote(agent, seedTaskBody({ budget_amount: 15 }));
    expect(over.body.valid).toBe(false);
    expect(over.body.errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`)).toEqual(['SPENDING_LIMIT budget_amount']);
    expect(over.body.errors[0].message).toMatch(/daily_limit is 30\.00 USD: it has committed 20\.00 USD/);
    // The real create is refused the same way.
    const refused = await call('/api/v1/tasks', { token: key.key, body: seedTaskBody({ budget_amount: 15 }) });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(over.body.errors[0].message);

    // 10 still fits, but funding it with 12 would not: the budget is fine and the funding is named.
    const funding = await quote(agent, { ...seedTaskBody({ budget_amount: 10 }), funding_amount: 12 });
    expect(funding.body.errors.map((e: { code: string; path: string }) => `${e.code} ${e.path}`)).toEqual(['SPENDING_LIMIT funding_amount']);
    expect(await tasksOf(owner.id)).toBe(1);
  });
});

describe('POST /api/v1/tasks?dry_run=true', () => {
  it('answers the quote of the body, 200, and creates nothing', async () => {
    const owner = await quickAccount('ai_client');
    const body = seedTaskBody({ budget_amount: 12.34 });
    const dry = await call('/api/v1/tasks?dry_run=true', { token: owner.token, body });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toEqual((await quote(owner, body)).body);
    expect(dry.body).toMatchObject({ object: 'quote', valid: true, total_to_fund: 12.34, platform_fee: 0.12, professional_receives: 12.22 });
    expect(await tasksOf(owner.id)).toBe(0);
  });

  it('lists a bad body in errors rather than answering 400; dry_run=false creates as usual', async () => {
    const owner = await quickAccount('ai_client');
    const bad = seedTaskBody({ category: 'astrology', funding: { status: 'funded' } });
    const dry = await call('/api/v1/tasks?dry_run=true', { token: owner.token, body: bad });
    expect(dry.status).toBe(200);
    expect(dry.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['category', 'funding']);
    expect((await call('/api/v1/tasks?dry_run=maybe', { token: owner.token, body: seedTaskBody() })).status).toBe(400);
    expect(await tasksOf(owner.id)).toBe(0);
    expect((await call('/api/v1/tasks?dry_run=false', { token: owner.token, body: seedTaskBody() })).status).toBe(201);
    expect(await tasksOf(owner.id)).toBe(1);
  });

  it('stores nothing under an Idempotency-Key: the same key then creates the task', async () => {
    const owner = await quickAccount('ai_client');
    const body = seedTaskBody();
    const headers = { 'Idempotency-Key': 'plan-then-post' };
    expect((await call('/api/v1/tasks?dry_run=true', { token: owner.token, body, headers })).status).toBe(200);
    const created = await call('/api/v1/tasks', { token: owner.token, body, headers });
    expect(created.status, created.text).toBe(201);
    expect(created.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await tasksOf(owner.id)).toBe(1);
  });
});

describe('MCP quote_task', () => {
  it('answers what REST answers, for a valid body and for a bad one, and creates nothing', async () => {
    const owner = await quickAccount('ai_client');
    const key = await keyWith(owner, { max_task_amount: 50 });
    const client = await mcpClient(key.key);
    const good = { ...seedTaskBody({ budget_amount: 15.37 }), funding_amount: 20.01 };
    const bad = { ...seedTaskBody({ budget_amount: 60, description: '' }), funding_amount: 70 };
    for (const body of [good, bad]) {
      const tool = await callTool(client, 'quote_task', body);
      expect(tool.ok, tool.text).toBe(true);
      if (!tool.ok) continue;
      expect(tool.data).toEqual((await quote({ token: key.key }, body)).body);
    }
    const badQuote = await callTool(client, 'quote_task', bad);
    expect(badQuote.ok && badQuote.data.errors.map((e: { path: string }) => e.path)).toEqual(['description', 'budget_amount', 'funding_amount']);
    expect(badQuote.text).toMatch(/Not valid \(3\)/);
    expect(await tasksOf(owner.id)).toBe(0);
  });

  it('is read-only and named after its REST operation', async () => {
    const owner = await quickAccount('ai_client');
    const client = await mcpClient(owner.token);
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === 'quote_task')!;
    expect(tool.annotations?.readOnlyHint).toBe(true);
    expect(Object.keys(tool.inputSchema.properties ?? {})).not.toContain('idempotency_key');
    expect(Object.keys(tool.inputSchema.properties ?? {})).toContain('funding_amount');
  });
});
