/**
 * One definition per operation: each MCP tool is an operation of src/operations/, served over REST from the same
 * declaration, and both transports enforce the same roles and the same idempotency.
 */
import { describe, expect, it } from 'vitest';
import { TOOLS } from '../src/mcp/tools';
import { OPERATIONS } from '../src/operations';
import { rolesOf } from '../src/operations/operation';
import { newAccount, type TestRole } from './support/accounts';
import { call } from './support/api';
import { callTool, mcpClient } from './support/mcp';
import { createTask, fundTask, quickAccount, quickVerifiedProfessional } from './support/tasks';

const ROLES: TestRole[] = ['ai_client', 'client', 'professional'];
/** An id of the kind the path names that belongs to nothing. */
const unknownId = (path: string) => `${path.startsWith('/files/') ? 'file' : path.startsWith('/payments/checkout/') ? 'chk' : 'task'}_0000000000000000`;

/** The REST path of an operation with its id filled in. */
const restPath = (path: string) => `/api/v1${path.replace('{id}', unknownId(path))}`;

/** The MCP arguments naming the same unknown id. */
function toolArgs(tool: (typeof TOOLS)[number]): Record<string, unknown> {
  return Object.fromEntries(Object.values(tool.mcp.pathArgs ?? {}).map(({ name }) => [name, unknownId(tool.path)]));
}

async function restCode(tool: (typeof TOOLS)[number], token: string): Promise<string> {
  const res = await call(restPath(tool.path), { method: tool.method.toUpperCase(), token, ...(tool.method === 'post' && !tool.rest.nonJsonBody ? { body: {} } : {}) });
  return res.status < 300 ? 'OK' : res.body.error.code;
}

describe('operations', () => {
  it('every tool is an operation, and every operation has one REST route with its name', async () => {
    expect(TOOLS.length).toBe(21);
    expect(TOOLS.every((tool) => OPERATIONS.includes(tool))).toBe(true);
    const names = OPERATIONS.map((op) => op.name);
    expect(new Set(names).size).toBe(names.length);

    const doc = (await call('/openapi.json')).body;
    for (const op of OPERATIONS) {
      const documented = doc.paths[`/api/v1${op.path}`]?.[op.method];
      expect(documented?.operationId, `${op.method} ${op.path}`).toBe(op.name);
      const headers = (documented.parameters ?? []).filter((p: { in: string }) => p.in === 'header').map((p: { name: string }) => p.name);
      expect({ op: op.name, idempotencyKey: headers.includes('Idempotency-Key') }).toEqual({ op: op.name, idempotencyKey: op.idempotent });
      expect({ op: op.name, forbidden: '403' in documented.responses && rolesOf(op).length > 0 }).toEqual({ op: op.name, forbidden: rolesOf(op).length > 0 });
    }
  });

  it('each tool lists idempotency_key exactly where its REST route takes Idempotency-Key, and is read-only elsewhere', async () => {
    const client = await mcpClient((await newAccount('ai_client')).token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOLS.map((t) => t.name));
    for (const tool of TOOLS) {
      const listed = tools.find((t) => t.name === tool.name)!;
      const takesKey = Object.keys(listed.inputSchema.properties ?? {}).includes('idempotency_key');
      expect({ tool: tool.name, takesKey, readOnly: listed.annotations?.readOnlyHint }).toEqual({ tool: tool.name, takesKey: tool.idempotent, readOnly: !tool.idempotent });
    }
    await client.close();
  });

  it('REST and MCP refuse the same roles, and answer the same error to the others', async () => {
    const accounts = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await newAccount(role)] as const)));
    const outcomes: { tool: string; role: string; rest: string; mcp: string }[] = [];
    for (const role of ROLES) {
      const client = await mcpClient(accounts[role]!.token);
      for (const tool of TOOLS) {
        // Unknown ids and no body: a wait on a task nobody can see answers at once (404).
        const mcp = await callTool(client, tool.name, toolArgs(tool));
        outcomes.push({ tool: tool.name, role, rest: await restCode(tool, accounts[role]!.token), mcp: mcp.ok ? 'OK' : mcp.error.code });
      }
      await client.close();
    }
    for (const o of outcomes) {
      const tool = TOOLS.find((t) => t.name === o.tool)!;
      const allowed = rolesOf(tool).length === 0 || rolesOf(tool).includes(o.role as TestRole);
      if (!allowed) expect(o).toEqual({ ...o, rest: 'FORBIDDEN', mcp: 'FORBIDDEN' });
      else expect(o.rest === 'FORBIDDEN' || o.mcp === 'FORBIDDEN', JSON.stringify(o)).toBe(false);
      // An upload's REST body is a form, not JSON arguments: its refusal of an empty body differs by nature.
      if (!tool.rest.nonJsonBody) expect(o.mcp, JSON.stringify(o)).toBe(o.rest);
    }
    const refusals = TOOLS.reduce((n, tool) => n + ROLES.filter((role) => rolesOf(tool).length > 0 && !rolesOf(tool).includes(role)).length, 0);
    expect(refusals).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.rest === 'FORBIDDEN')).toHaveLength(refusals);
  });

  it('the REST hot read and the tool answer the same task', async () => {
    const owner = await newAccount('ai_client');
    const created = await call('/api/v1/tasks', {
      token: owner.token,
      body: { title: 'Inspect a flat', description: 'Photos of every room.', category: 'property_inspections', location_type: 'local', location: 'Austin, TX', budget_amount: 40, budget_type: 'fixed' },
    });
    expect(created.status).toBe(201);
    const client = await mcpClient(owner.token);
    const viaTool = await callTool(client, 'get_task', { task_id: created.body.id });
    const viaRest = await call(`/api/v1/tasks/${created.body.id}`, { token: owner.token });
    expect(viaTool.ok).toBe(true);
    expect(viaRest.status).toBe(200);
    expect(viaTool.ok && viaTool.data).toEqual(viaRest.body);
    await client.close();
  });

  it('a dispute over MCP is the REST dispute: same task, same history, once under one key; the money reads agree', async () => {
    const owner = await quickAccount('ai_client');
    const task = await createTask(owner, { budget_amount: 30 });
    const { checkoutId } = await fundTask(owner, task.id, 30);
    const pro = await quickVerifiedProfessional();
    expect((await call(`/api/v1/tasks/${task.id}/accept`, { token: pro.token, method: 'POST' })).status).toBe(200);

    const client = await mcpClient(owner.token);
    const args = { task_id: task.id, reason: 'The venue was never called.', idempotency_key: `dispute-${task.id}` };
    const disputed = await callTool(client, 'dispute_task', args);
    const again = await callTool(client, 'dispute_task', args);
    expect(disputed.ok && disputed.data.status).toBe('disputed');
    expect(again.ok && again.data).toEqual(disputed.ok && disputed.data);
    expect(again.result._meta).toMatchObject({ idempotent_replayed: true });
    expect((await call(`/api/v1/tasks/${task.id}`, { token: owner.token })).body).toEqual(disputed.ok && disputed.data);

    const history = await callTool(client, 'list_task_events', { task_id: task.id });
    const restHistory = await call(`/api/v1/tasks/${task.id}/events`, { token: owner.token });
    expect(history.ok && history.data).toEqual(restHistory.body);
    const disputes = restHistory.body.data.filter((e: { to_status: string }) => e.to_status === 'disputed');
    expect(disputes).toEqual([expect.objectContaining({ from_status: 'in_progress', note: 'The venue was never called.', actor_id: owner.id })]);

    const checkout = await callTool(client, 'get_checkout', { checkout_id: checkoutId });
    expect(checkout.ok && checkout.data).toEqual((await call(`/api/v1/payments/checkout/${checkoutId}`, { token: owner.token })).body);
    expect(checkout.ok && checkout.data.status).toBe('paid');
    const lines = await callTool(client, 'list_transactions', {});
    expect(lines.ok && lines.data).toEqual((await call('/api/v1/payments/transactions', { token: owner.token })).body);
    expect(lines.ok && lines.data.data.some((l: { type: string; task_id: string }) => l.type === 'funding' && l.task_id === task.id)).toBe(true);
    await client.close();
  });
});
