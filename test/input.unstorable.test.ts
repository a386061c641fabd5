/**
 * Text Postgres cannot store (a NUL, an unpaired surrogate) and ids that name nothing never reach the database:
 * 400 VALIDATION_ERROR naming the field for bodies, query parameters and MCP arguments, 404 NOT_FOUND for ids in
 * the path, and a backstop in toApiError for anything validation misses.
 */
import { describe, expect, it } from 'vitest';
import { ApiError, toApiError } from '../src/lib/errors';
import { call, type ApiResponse } from './support/api';
import { deliver, stripeEvent } from './support/stripe';
import { createTask, quickAccount, quickVerifiedProfessional, seedTaskBody, taskAt } from './support/tasks';

type Json = any;

function expectFieldError(res: ApiResponse, field: string) {
  expect(res.status, res.text).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', request_id: expect.any(String) });
  expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
}

const mcp = (token: string, name: string, args: unknown) =>
  call('/mcp', {
    token,
    headers: { Accept: 'application/json, text/event-stream' },
    body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } },
  });

describe('NUL and unpaired surrogates in what a caller sends', () => {
  it('POST /auth/login and /auth/register: 400 naming the field, without credentials', async () => {
    expectFieldError(await call('/auth/login', { body: { email: 'a\u0000@example.com', password: 'whatever-password' } }), 'email');
    expectFieldError(await call('/auth/login', { body: { email: 'a@example.com', password: 'pass\u0000word' } }), 'password');
    const register = { email: 'nul@example.test', password: 'long enough password', full_name: 'Nul\u0000Name', role: 'ai_client' };
    expectFieldError(await call('/auth/register', { body: register }), 'full_name');
  });

  it('bodies: every string field of a task, nested ones and the free-form submission data', async () => {
    const owner = await quickAccount('ai_client');
    for (const field of ['title', 'description'] as const) {
      expectFieldError(await call('/api/v1/tasks', { token: owner.token, body: seedTaskBody({ [field]: 'Call\u0000 dentist' }) }), field);
    }
    expectFieldError(await call('/api/v1/tasks', { token: owner.token, body: seedTaskBody({ title: 'half a pair \ud83d' }) }), 'title');
    const { pro, taskId } = await taskAt('in_progress');
    const submit = (body: unknown) => call(`/api/v1/tasks/${taskId}/submit`, { token: pro.token, body });
    expectFieldError(await submit({ text: 'done', data: { notes: 'a\u0000b' } }), 'data.notes');
    expectFieldError(await submit({ text: 'done', data: { 'key\u0000': 1 } }), 'data.key\u0000');
    expectFieldError(await submit({ text: 'done', data: { list: ['ok', '\udc00'] } }), 'data.list.1');
    expectFieldError(await submit({ text: 'done', attachments: [{ name: 'a\u0000.pdf', url: 'https://files.example.com/a.pdf' }] }), 'attachments.0.name');
    expect((await submit({ text: 'done 😀', data: { emoji: '🎉' } })).status).toBe(200);
  });

  it('query strings: %00 in a cursor or a filter is 400 naming it', async () => {
    const owner = await quickAccount('ai_client');
    const task = await createTask(owner);
    expectFieldError(await call('/api/v1/tasks?starting_after=task_%00', { token: owner.token }), 'starting_after');
    expectFieldError(await call('/api/v1/payments/transactions?starting_after=%00', { token: owner.token }), 'starting_after');
    expectFieldError(await call(`/api/v1/tasks/${task.id}/webhook-deliveries?starting_after=att_%00`, { token: owner.token }), 'starting_after');
    expectFieldError(await call(`/api/v1/tasks/${task.id}/wait?until=open%00&timeout=1`, { token: owner.token }), 'until');
    const pro = await quickVerifiedProfessional();
    expectFieldError(await call('/api/v1/marketplace/tasks?starting_after=%00', { token: pro.token }), 'starting_after');
  });

  it('MCP tool arguments: a tool error carrying 400 naming the argument', async () => {
    const owner = await quickAccount('ai_client');
    const task = await createTask(owner);
    for (const [name, args, field] of [
      ['get_task', { task_id: `${task.id}\u0000` }, 'task_id'],
      ['list_tasks', { starting_after: '\u0000' }, 'starting_after'],
      ['create_task', { ...seedTaskBody(), description: 'x\u0000' }, 'description'],
      ['request_revision', { task_id: task.id, reason: '\ud800' }, 'reason'],
    ] as const) {
      const res = await mcp(owner.token, name, args);
      expect(res.status).toBe(200);
      expect(res.body.result.isError, name).toBe(true);
      const { error } = JSON.parse(res.body.result.content[0].text);
      expect(error.code, name).toBe('VALIDATION_ERROR');
      expect(error.details.map((d: { path: string }) => d.path), name).toContain(field);
    }
  });

  it('MCP transport refusals answer in the error shape', async () => {
    const owner = await quickAccount('ai_client');
    const notJsonRpc = await call('/mcp', { token: owner.token, headers: { Accept: 'application/json, text/event-stream' }, body: 42 });
    expect(notJsonRpc.status).toBe(400);
    expect(notJsonRpc.body.error).toMatchObject({ code: 'VALIDATION_ERROR', request_id: expect.any(String) });
    const accept = await call('/mcp', { token: owner.token, headers: { Accept: 'text/html' }, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } });
    expect(accept.status).toBe(400);
    expect(accept.body.error.details).toEqual([{ path: 'Accept', message: expect.stringMatching(/text\/event-stream/) }]);
  });

  it('the Stripe webhook: a signed event with a NUL id, or without data, is 400 naming the field', async () => {
    const event = stripeEvent('checkout.session.expired', { id: 'cs_test_nul' });
    expectFieldError(await deliver({ ...event, id: 'evt_\u0000' }), 'id');
    const { data: _data, ...withoutData } = event;
    expectFieldError(await deliver(withoutData), 'data');
    expectFieldError(await deliver({ ...event, created: 'yesterday' }), 'created');
    expect((await deliver(event)).status).toBe(200);
  });
});

describe('ids in the path that name nothing are 404, never 400 or 500', () => {
  const odd = ['%00', 'task_%00', 'x'.repeat(5_000), `task_${'A'.repeat(65)}`, 'task_abc-def', '%F0%9F%98%80', 'abc_abcdefghijklmnop'];

  it('for every operation of the document with a path id', async () => {
    const doc = (await call('/openapi.json')).body as Json;
    const credentials = [await quickAccount('ai_client'), await quickVerifiedProfessional(), await quickAccount('admin')];
    const checked: string[] = [];
    for (const [template, item] of Object.entries<Json>(doc.paths)) {
      if (!template.includes('{')) continue;
      for (const method of Object.keys(item)) {
        for (const id of odd) {
          const path = template.replace(/\{[a-z_]+\}/g, id);
          const statuses = await Promise.all(credentials.map(async (who) => (await call(path, { method: method.toUpperCase(), token: who.token })).status));
          // One role or another may be refused first (403); none gets past to a 400 or a 500.
          expect(statuses.every((s) => s === 404 || s === 403), `${method} ${template} ${id.slice(0, 20)}: ${statuses}`).toBe(true);
          expect(statuses, `${method} ${template}`).toContain(404);
        }
        checked.push(`${method} ${template}`);
      }
    }
    expect(checked.length).toBeGreaterThan(20);
  });

  it("answers in the route's own words", async () => {
    const owner = await quickAccount('ai_client');
    const res = await call(`/api/v1/tasks/task_${'A'.repeat(200)}`, { token: owner.token });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'Task not found.' });
    expect((await call('/api/v1/payments/checkout/chk_%00', { token: owner.token })).body.error.message).toBe('Checkout not found.');
  });

  it('local payment pages: a NUL in the id or the link token is 404', async () => {
    const localEnv = { STRIPE_SECRET_KEY: undefined, STRIPE_WEBHOOK_SECRET: undefined, STRIPE_API_URL: undefined };
    for (const path of ['/local/checkout/cs_%00?t=%00', '/local/connect/acct_%00?t=a%00b', '/local/checkout/%00?t=x']) {
      const res = await call(path, { env: localEnv });
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    const form = await call('/local/checkout/%00/pay', { method: 'POST', env: localEnv, body: 't=%00', raw: true, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(404);
  });
});

describe('the backstop: database refusals of a sent value', () => {
  const pgError = (code: string) => Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code });

  it('maps invalid-text and out-of-range SQLSTATEs to 400, on the error or on its cause (Drizzle wraps them)', () => {
    for (const code of ['22021', '22P05', '22P02', '22003', '22001', '22008']) {
      expect(toApiError(pgError(code)).code, code).toBe('VALIDATION_ERROR');
      expect(toApiError(new Error('Failed query: select 1', { cause: pgError(code) })).status, code).toBe(400);
    }
  });

  it('leaves every other database error INTERNAL', () => {
    for (const code of ['23505', '40001', '57014', 'XX000']) expect(toApiError(pgError(code)).code, code).toBe('INTERNAL');
    // A connection failure is the database being away, not the caller's value (lib/db-errors.ts).
    expect(toApiError(pgError('08006')).code).toBe('SERVICE_UNAVAILABLE');
    expect(toApiError(new ApiError('CONFLICT', 'x')).code).toBe('CONFLICT');
  });
});
