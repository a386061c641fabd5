/** The MCP server at /mcp, driven by the official SDK client: the seed's workflow through tools, and its errors. */
import { ListToolsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import { callTool, MCP_URL, mcpClient } from './support/mcp';
import { fundTask, payCheckout, quickAccount, quickVerifiedProfessional, seedTaskBody } from './support/tasks';

const post = (path: string, token: string, body?: unknown) => call(path, { method: 'POST', token, body });

async function apiKey(token: string, limits: Record<string, number> = {}) {
  const res = await call('/api/v1/api-keys', { token, body: { name: 'mcp agent', ...limits } });
  expect(res.status).toBe(201);
  return res.body.key as string;
}

const EXPECTED_TOOLS = [
  'list_categories',
  'quote_task',
  'create_task',
  'fund_task',
  'get_checkout',
  'fund_task_from_balance',
  'get_task',
  'wait_for_task',
  'list_tasks',
  'list_task_events',
  'send_message',
  'list_messages',
  'upload_file',
  'list_files',
  'get_file',
  'approve_task',
  'request_revision',
  'cancel_task',
  'dispute_task',
  'get_balance',
  'list_transactions',
];

describe('MCP: protocol and tools list', () => {
  it('initializes over Streamable HTTP with an API key and lists tools that satisfy the MCP schema', async () => {
    const owner = await quickAccount('ai_client');
    const client = await mcpClient(await apiKey(owner.token));
    expect(client.getServerVersion()).toMatchObject({ name: 'gohirehumans', version: '1.0.0' });
    expect(client.getServerCapabilities()?.tools).toBeDefined();
    expect(client.getInstructions()).toContain('create_task');

    const listed = await client.listTools();
    // The SDK parsed it already; parse the raw result again so a schema drift fails here, by name.
    const tools = ListToolsResultSchema.parse(listed).tools;
    expect(tools.map((t) => t.name)).toEqual(EXPECTED_TOOLS);
    for (const tool of tools) {
      expect(tool.description!.length, tool.name).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
    }
    const create = tools.find((t) => t.name === 'create_task')!;
    // The REST route's own schema: same required fields, closed to others, with the OpenAPI descriptions.
    expect(create.inputSchema.required).toEqual(['title', 'description', 'category', 'location_type', 'budget_amount', 'budget_type']);
    expect(create.inputSchema.additionalProperties).toBe(false);
    const props = create.inputSchema.properties as Record<string, { enum?: string[]; description?: string }>;
    expect(props.category!.enum).toContain('research_analysis');
    expect(props.budget_amount!.description).toMatch(/US dollars, at most 2 decimals/);
    const approve = tools.find((t) => t.name === 'approve_task')!;
    expect(Object.keys(approve.inputSchema.properties!).sort()).toEqual(['idempotency_key', 'rating', 'review', 'task_id']);
    expect(approve.inputSchema.required).toEqual(['task_id']);
    // fund_task takes the checkout route's body as is; its result is the REST checkout object.
    const fund = tools.find((t) => t.name === 'fund_task')!;
    expect(fund.inputSchema.required).toEqual(['task_id', 'amount', 'success_url', 'cancel_url']);
    expect(fund.inputSchema.additionalProperties).toBe(false);
    expect(Object.keys(fund.outputSchema!.properties!)).toEqual(['id', 'task_id', 'amount', 'currency', 'status', 'checkout_url', 'expires_at', 'livemode']);
    // wait_for_task: statuses as a JSON list of the REST enum (or REST's comma-separated string), the REST route's timeout rules, the task object inside.
    const wait = tools.find((t) => t.name === 'wait_for_task')!;
    const waitProps = wait.inputSchema.properties as Record<string, any>;
    expect(wait.inputSchema.required).toEqual(['task_id']);
    expect(waitProps.until.anyOf[0].items.enum).toEqual(['open', 'in_progress', 'submitted', 'completed', 'canceled', 'disputed']);
    expect(waitProps.timeout).toMatchObject({ minimum: 1, maximum: 30, default: 25 });
    expect(Object.keys(wait.outputSchema!.properties!)).toEqual(['timed_out', 'reason', 'task']);
    expect(wait.annotations?.readOnlyHint).toBe(true);
    await client.close();
  });

  it('accepts X-API-Key and JWTs as well as bearer API keys', async () => {
    const owner = await quickAccount('ai_client');
    const key = await apiKey(owner.token);
    for (const client of [await mcpClient(key, { header: 'x-api-key' }), await mcpClient(owner.token)]) {
      const balance = await callTool(client, 'get_balance');
      expect(balance).toMatchObject({ ok: true, data: { available_balance: 0, escrow_balance: 0, pending_balance: 0, currency: 'usd' } });
      await client.close();
    }
  });

  it('refuses unauthenticated requests with 401 in the API error shape, and answers GET and DELETE with 405', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'anonymous', version: '0' } },
    };
    const headers = { Accept: 'application/json, text/event-stream' };
    for (const res of [
      await call('/mcp', { body: initialize, headers }),
      await call('/mcp', { body: initialize, headers, token: 'ghh_' + 'A'.repeat(40) }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'UNAUTHORIZED', request_id: expect.stringMatching(/^req_/) });
      expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer /);
    }
    await expect(mcpClient('ghh_' + 'B'.repeat(40))).rejects.toThrow(/401|Unauthorized/i);

    for (const method of ['GET', 'DELETE']) {
      const res = await call('/mcp', { method, headers: { Accept: 'text/event-stream' } });
      expect(res.status).toBe(405);
      expect(res.headers.get('Allow')).toBe('POST');
      expect(res.body.error.code).toBe('METHOD_NOT_ALLOWED');
    }
  });

  it('keeps no session: each request stands alone, with no session id handed out', async () => {
    const owner = await quickAccount('ai_client');
    const key = await apiKey(owner.token);
    const res = await call('/mcp', {
      token: key,
      headers: { Accept: 'application/json, text/event-stream' },
      body: { jsonrpc: '2.0', id: 7, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toBeNull();
    expect(res.body).toMatchObject({ jsonrpc: '2.0', id: 7, result: { serverInfo: { name: 'gohirehumans' } } });
    // A tools/list straight away, without initialize on this "connection", is answered too.
    const list = await call('/mcp', {
      token: key,
      headers: { Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25' },
      body: { jsonrpc: '2.0', id: 8, method: 'tools/list' },
    });
    expect(list.status).toBe(200);
    expect(list.body.result.tools).toHaveLength(EXPECTED_TOOLS.length);
    expect(MCP_URL).toMatch(/\/mcp$/);
  });
});

describe('MCP: the seed workflow through tools', () => {
  it('create_task -> fund_task (paid through Stripe) -> a professional accepts and submits through REST -> wait_for_task returns submitted -> approve_task', async () => {
    const owner = await quickAccount('ai_client');
    const client = await mcpClient(await apiKey(owner.token));

    const categories = await callTool(client, 'list_categories');
    expect(categories.ok && categories.data.data).toHaveLength(6);
    expect(categories.text).toContain('research_analysis: Research, fact-checking, analysis');

    const created = await callTool(client, 'create_task', seedTaskBody({ title: 'Research competitors', category: 'research_analysis', budget_amount: 50 }));
    expect(created).toMatchObject({ ok: true, data: { status: 'open', funding: { status: 'unfunded' }, budget_amount: 50, client_id: owner.id } });
    const taskId = created.ok ? (created.data.id as string) : '';
    expect(created.text).toContain(taskId);
    // The same task object the REST API shows.
    const rest = await call(`/api/v1/tasks/${taskId}`, { token: owner.token });
    expect(created.ok && created.data).toEqual(rest.body);

    const fundBody = { task_id: taskId, amount: 50, success_url: 'https://agent.example/funded', cancel_url: 'https://agent.example/canceled' };
    const opened = await callTool(client, 'fund_task', fundBody);
    expect(opened).toMatchObject({ ok: true, data: { id: expect.stringMatching(/^chk_/), task_id: taskId, amount: 50, currency: 'usd', status: 'pending' } });
    const checkout = opened.ok ? opened.data : {};
    expect(opened.text).toContain(checkout.checkout_url);
    expect(opened.text).toContain(checkout.expires_at);
    // The payer pays on Stripe's page (the fake) and Stripe's signed event reaches the webhook.
    await payCheckout(checkout.checkout_url);
    const funded = await callTool(client, 'get_task', { task_id: taskId });
    expect(funded).toMatchObject({ ok: true, data: { status: 'open', funding: { status: 'funded', escrow_amount: 50 } } });
    expect(await callTool(client, 'get_balance')).toMatchObject({ ok: true, data: { escrow_balance: 50 } });

    const pro = await quickVerifiedProfessional('Sarah Miller');
    expect((await post(`/api/v1/tasks/${taskId}/accept`, pro.token)).status).toBe(200);
    const polled = await callTool(client, 'get_task', { task_id: taskId });
    expect(polled).toMatchObject({ ok: true, data: { status: 'in_progress', result: null, professional: { id: pro.id, name: 'Sarah M.' } } });

    // The agent waits instead of polling; the professional delivers while it waits.
    const waiting = callTool(client, 'wait_for_task', { task_id: taskId, until: ['submitted', 'completed', 'canceled', 'disputed'], timeout: 10 });
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await post(`/api/v1/tasks/${taskId}/submit`, pro.token, { text: 'Competitor analysis complete: three rivals, pricing attached.' })).status).toBe(200);
    const ready = await waiting;
    expect(ready).toMatchObject({ ok: true, data: { timed_out: false, task: { status: 'submitted', result: 'Competitor analysis complete: three rivals, pricing attached.' } } });
    expect(ready.text).toContain('is submitted');
    expect(ready.text).toContain('Competitor analysis complete');
    expect(ready.ok && ready.data.task).toEqual((await call(`/api/v1/tasks/${taskId}`, { token: owner.token })).body);

    const listed = await callTool(client, 'list_tasks', { status: 'submitted' });
    expect(listed).toMatchObject({ ok: true, data: { total: 1, limit: 20, offset: 0, has_more: false, data: [{ id: taskId }] } });

    const approved = await callTool(client, 'approve_task', { task_id: taskId, rating: 5, review: 'Thorough.' });
    expect(approved).toMatchObject({ ok: true, data: { status: 'completed', completed_at: expect.any(String) } });
    expect((await call(`/api/v1/tasks/${taskId}`, { token: pro.token })).body.professional.rating).toBe(5);
    await client.close();
  });

  it('request_revision sends submitted work back, and cancel_task withdraws an open task', async () => {
    const owner = await quickAccount('client');
    const client = await mcpClient(await apiKey(owner.token));
    const task = await callTool(client, 'create_task', seedTaskBody());
    const taskId = task.ok ? (task.data.id as string) : '';
    await fundTask(owner, taskId, 15);
    const pro = await quickVerifiedProfessional();
    await post(`/api/v1/tasks/${taskId}/accept`, pro.token);
    await post(`/api/v1/tasks/${taskId}/submit`, pro.token, { text: 'Booked.' });
    const revised = await callTool(client, 'request_revision', { task_id: taskId, reason: 'Please confirm the insurance details.' });
    expect(revised).toMatchObject({ ok: true, data: { status: 'in_progress' } });
    const events = await call(`/api/v1/tasks/${taskId}/events`, { token: owner.token });
    expect(events.body.data.at(-1)).toMatchObject({ type: 'revision_requested', note: 'Please confirm the insurance details.' });

    const other = await callTool(client, 'create_task', seedTaskBody());
    const canceled = await callTool(client, 'cancel_task', { task_id: other.ok ? other.data.id : '' });
    expect(canceled).toMatchObject({ ok: true, data: { status: 'canceled' } });
    await client.close();
  });
});

describe('MCP: wait_for_task', () => {
  it('says when time ran out, returns at once when the task is already there, and checks its arguments as REST does', async () => {
    const owner = await quickAccount('ai_client');
    const client = await mcpClient(await apiKey(owner.token));
    const created = await callTool(client, 'create_task', seedTaskBody());
    const taskId = created.ok ? (created.data.id as string) : '';

    const started = Date.now();
    const timedOut = await callTool(client, 'wait_for_task', { task_id: taskId, until: ['submitted'], timeout: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(timedOut).toMatchObject({ ok: true, data: { timed_out: true, task: { id: taskId, status: 'open' } } });
    expect(timedOut.text).toContain('still open');

    const already = await callTool(client, 'wait_for_task', { task_id: taskId, until: ['open'] });
    expect(already).toMatchObject({ ok: true, data: { timed_out: false, task: { status: 'open' } } });

    expect(await callTool(client, 'wait_for_task', { task_id: taskId, timeout: 31 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', details: [{ path: 'timeout' }] },
    });
    expect(await callTool(client, 'wait_for_task', { task_id: taskId, until: ['bogus'] })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', details: [{ path: 'until', message: expect.stringContaining('in_progress') }] },
    });
    const stranger = await mcpClient((await quickAccount('ai_client')).token);
    expect(await callTool(stranger, 'wait_for_task', { task_id: taskId, timeout: 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await Promise.all([client.close(), stranger.close()]);
  });
});

describe('MCP: errors are tool errors carrying the REST error body', () => {
  it('an unknown task is NOT_FOUND, and another account\'s task too', async () => {
    const owner = await quickAccount('ai_client');
    const stranger = await quickAccount('ai_client');
    const client = await mcpClient(await apiKey(owner.token));
    const missing = await callTool(client, 'get_task', { task_id: 'task_doesNotExist0000' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'Task not found.', request_id: expect.stringMatching(/^req_/) } });
    expect(missing.result.structuredContent).toBeUndefined();

    const theirs = (await post('/api/v1/tasks', stranger.token, seedTaskBody())).body.id as string;
    for (const name of ['get_task', 'approve_task', 'cancel_task']) {
      expect(await callTool(client, name, { task_id: theirs }), name).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    await client.close();
  });

  it('bad arguments are VALIDATION_ERROR naming each field, by the same rules as REST', async () => {
    const owner = await quickAccount('ai_client');
    const client = await mcpClient(await apiKey(owner.token));
    const badCategory = await callTool(client, 'create_task', seedTaskBody({ category: 'plumbing' }));
    expect(badCategory).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', details: [{ path: 'category' }] } });
    const rest = await post('/api/v1/tasks', owner.token, seedTaskBody({ category: 'plumbing' }));
    expect(badCategory.ok === false && badCategory.error.details).toEqual(rest.body.error.details);

    const several = await callTool(client, 'create_task', seedTaskBody({ budget_amount: 10.001, location_type: 'local', status: 'completed' }));
    expect(several.ok === false && several.error.details!.map((d) => d.path).sort()).toEqual(['budget_amount', 'location', 'status']);
    expect(await callTool(client, 'approve_task', { task_id: 'task_x', review: 'no rating' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_ERROR', details: [{ path: 'rating', message: 'A review needs a rating.' }] },
    });
    expect(await callTool(client, 'get_task', {})).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR', details: [{ path: 'task_id' }] } });
    expect((await call('/api/v1/tasks', { token: owner.token })).body.total).toBe(0);
    await client.close();
  });

  it('the state machine and roles answer as REST does: INVALID_STATE, FORBIDDEN', async () => {
    const owner = await quickAccount('ai_client');
    const client = await mcpClient(await apiKey(owner.token));
    const task = await callTool(client, 'create_task', seedTaskBody());
    const early = await callTool(client, 'approve_task', { task_id: task.ok ? task.data.id : '' });
    expect(early).toMatchObject({ ok: false, error: { code: 'INVALID_STATE', details: [{ message: expect.stringContaining('open') }] } });

    const pro = await quickVerifiedProfessional();
    const proClient = await mcpClient(await apiKey(pro.token));
    expect(await callTool(proClient, 'create_task', seedTaskBody())).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'This action is for ai_client or client accounts.' },
    });
    // Read-only tools are open to every role, as the REST routes are.
    expect(await callTool(proClient, 'list_tasks')).toMatchObject({ ok: true, data: { total: 0 } });
    await Promise.all([client.close(), proClient.close()]);
  });

  it('an unknown tool is a protocol error', async () => {
    const owner = await quickAccount('ai_client');
    const client = await mcpClient(await apiKey(owner.token));
    await expect(client.callTool({ name: 'hire_everyone', arguments: {} })).rejects.toThrow(/Unknown tool: hire_everyone/);
    await client.close();
  });

  it('spending limits bind MCP calls made with the key', async () => {
    const owner = await quickAccount('ai_client');
    const client = await mcpClient(await apiKey(owner.token, { max_task_amount: 20 }));
    const refused = await callTool(client, 'create_task', seedTaskBody({ budget_amount: 25 }));
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'SPENDING_LIMIT', details: [{ path: 'budget_amount', message: 'max_task_amount is 20.00 USD' }] },
    });
    const allowed = await callTool(client, 'create_task', seedTaskBody({ budget_amount: 20 }));
    expect(allowed).toMatchObject({ ok: true });
    // fund_task goes through the same checkout service, so the same check: amount is the field named.
    const overfund = await callTool(client, 'fund_task', {
      task_id: allowed.ok ? allowed.data.id : '',
      amount: 25,
      success_url: 'https://agent.example/funded',
      cancel_url: 'https://agent.example/canceled',
    });
    expect(overfund).toMatchObject({ ok: false, error: { code: 'SPENDING_LIMIT', details: [{ path: 'amount', message: 'max_task_amount is 20.00 USD' }] } });
    // The same account signed in with a JWT has no key limits.
    const viaJwt = await mcpClient(owner.token);
    expect(await callTool(viaJwt, 'create_task', seedTaskBody({ budget_amount: 25 }))).toMatchObject({ ok: true });
    await Promise.all([client.close(), viaJwt.close()]);
  });
});
