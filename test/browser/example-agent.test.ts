/**
 * The example agent (src/client/example-agent.ts) runs its whole workflow against the Worker served over HTTP, in the
 * sandbox: a test key, a test task completed by the simulated professional, funded by the sandbox. It type-checks with
 * the rest (npm run typecheck), so a change to the API that breaks it fails CI twice over.
 */
import { describe, expect, inject, it } from 'vitest';
import { runExampleAgent } from '../../src/client/example-agent';

const origin = inject('apiOrigin');

describe('the example agent', () => {
  it('posts, funds, waits for, reads and approves a sandbox task, and the API agrees with what it saw', async () => {
    const run = await runExampleAgent(origin, () => undefined);
    expect(run.finalStatus).toBe('completed');
    expect(run.result).toEqual(expect.any(String));
    expect(run.quotedTotal).toBe(30);
    expect(run.steps).toEqual(
      expect.arrayContaining([expect.stringMatching(/^posted task_\S+ \(livemode false\)$/), 'status submitted', 'approved: completed']),
    );
  });
});
