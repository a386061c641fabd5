/** The sandbox through the MCP endpoint: a test key's tools make, fund, wait for and approve a test task. */
import { describe, expect, it } from 'vitest';
import { callTool, mcpClient } from './support/mcp';
import { expectNoLiveMoney, SANDBOX_PRO, sandboxAgent } from './support/sandbox';
import { createTask } from './support/tasks';

describe('MCP with a test key', () => {
  it('create_task -> fund_task (paid by the sandbox) -> wait_for_task wakes on the submission -> approve_task; get_balance shows test money', async () => {
    const agent = await sandboxAgent();
    const client = await mcpClient(agent.testKey);
    try {
      const created = await callTool(client, 'create_task', {
        title: 'Transcribe a voicemail',
        description: 'Two minutes of audio.',
        category: 'data_entry_transcription',
        location_type: 'remote',
        budget_amount: 12,
        budget_type: 'fixed',
        metadata: { sandbox_outcome: 'complete', run: 'ci-42' },
        idempotency_key: 'sandbox-mcp-create',
      });
      expect(created.ok, created.text).toBe(true);
      if (!created.ok) return;
      expect(created.data).toMatchObject({ livemode: false, metadata: { sandbox_outcome: 'complete', run: 'ci-42' } });
      const id = created.data.id;

      const waited = callTool(client, 'wait_for_task', { task_id: id, until: ['submitted'], timeout: 25 });
      const funded = await callTool(client, 'fund_task', { task_id: id, amount: 12, success_url: 'https://agent.example/ok', cancel_url: 'https://agent.example/no', idempotency_key: 'sandbox-mcp-fund' });
      expect(funded.ok, funded.text).toBe(true);
      const woken = await waited;
      expect(woken.ok, woken.text).toBe(true);
      if (!woken.ok) return;
      expect(woken.data).toMatchObject({ timed_out: false, reason: 'status', task: { status: 'submitted', professional: { id: SANDBOX_PRO } } });

      const approved = await callTool(client, 'approve_task', { task_id: id, rating: 5, idempotency_key: 'sandbox-mcp-approve' });
      expect(approved.ok, approved.text).toBe(true);
      if (approved.ok) expect(approved.data).toMatchObject({ status: 'completed', funding: { status: 'released' } });

      // A live task of the same account is not there for the test key.
      const live = await createTask(agent);
      const read = await callTool(client, 'get_task', { task_id: live.id });
      expect(read.ok).toBe(false);
      if (!read.ok) expect(read.error.code).toBe('NOT_FOUND');
      const listed = await callTool(client, 'list_tasks', {});
      expect(listed.ok, listed.text).toBe(true);
      if (listed.ok) expect(listed.data.data.map((t: { id: string }) => t.id)).toEqual([id]);

      const balance = await callTool(client, 'get_balance');
      expect(balance.ok && balance.data).toMatchObject({ escrow_balance: 0, pending_balance: 0 });
      await expectNoLiveMoney(agent, [id]);
    } finally {
      await client.close();
    }
  });
});
