/**
 * Overlapping requests answer as they would one at a time, on every database the suite runs on (the machine's
 * Postgres and the embedded one). An embedded database that ran every connection through one session interleaved
 * the transactions of such requests: valid tokens got 401, creates got 500 or 404, and a daily limit let several
 * tasks through where one fits.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeySpend, tasks } from '../src/db/schema';
import { call } from './support/api';
import { withDb } from './support/db';
import { quickAccount, seedTaskBody } from './support/tasks';

const PARALLEL = 8;

const statuses = (results: { status: number }[]) => results.map((r) => r.status);

describe('overlapping requests with one credential', () => {
  it(`${PARALLEL} parallel creates with one JWT: all 201, ${PARALLEL} distinct tasks`, async () => {
    const owner = await quickAccount('ai_client');
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => call('/api/v1/tasks', { token: owner.token, body: seedTaskBody({ title: `Parallel task ${i}` }) })),
    );
    expect(statuses(results), results.map((r) => r.text).join('\n')).toEqual(Array(PARALLEL).fill(201));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(PARALLEL);
    const rows = await withDb((db) => db.select({ id: tasks.id }).from(tasks).where(eq(tasks.clientId, owner.id)));
    expect(rows).toHaveLength(PARALLEL);
  });

  it(`${PARALLEL} parallel authenticated reads with one valid token: all 200`, async () => {
    const owner = await quickAccount('ai_client');
    const paths = ['/auth/me', '/api/v1/tasks', '/api/v1/api-keys', '/api/v1/payments/transactions'];
    const results = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => call(paths[i % paths.length]!, { token: owner.token })));
    expect(statuses(results), results.map((r) => r.text).join('\n')).toEqual(Array(PARALLEL).fill(200));
  });

  it(`${PARALLEL} reads overlapping ${PARALLEL} creates with one token: every read 200, every create 201`, async () => {
    const owner = await quickAccount('ai_client');
    // Reads run outside any transaction; each must still see only committed rows, whatever the creates are doing.
    const requests = Array.from({ length: PARALLEL }, (_, i) => [
      call('/api/v1/tasks', { token: owner.token, body: seedTaskBody({ title: `Overlapping task ${i}` }) }),
      call(i % 2 ? '/auth/me' : '/api/v1/tasks', { token: owner.token }),
    ]).flat();
    const results = await Promise.all(requests);
    expect(statuses(results), results.map((r) => r.text).join('\n')).toEqual(Array.from({ length: PARALLEL }, () => [201, 200]).flat());
    const rows = await withDb((db) => db.select({ id: tasks.id }).from(tasks).where(eq(tasks.clientId, owner.id)));
    expect(rows).toHaveLength(PARALLEL);
  });

  it('an API key whose daily_limit fits one task, 5 parallel creates: exactly one 201, four 403 SPENDING_LIMIT', async () => {
    const owner = await quickAccount('ai_client');
    // 15 USD fits a 20 USD daily limit; a second 15 USD task would make 30.
    const created = await call('/api/v1/api-keys', { token: owner.token, body: { name: 'agent', daily_limit: 20 } });
    expect(created.status, created.text).toBe(201);
    const { id: keyId, key } = created.body as { id: string; key: string };

    const results = await Promise.all(Array.from({ length: 5 }, () => call('/api/v1/tasks', { token: key, body: seedTaskBody({ budget_amount: 15 }) })));
    expect(statuses(results).sort(), results.map((r) => r.text).join('\n')).toEqual([201, 403, 403, 403, 403]);
    for (const refused of results.filter((r) => r.status === 403)) expect(refused.body.error.code).toBe('SPENDING_LIMIT');

    const posted = await withDb((db) => db.select({ id: tasks.id }).from(tasks).where(eq(tasks.clientId, owner.id)));
    expect(posted).toHaveLength(1);
    const spent = await withDb((db) => db.select().from(apiKeySpend).where(eq(apiKeySpend.apiKeyId, keyId)));
    expect(spent.map((s) => s.amountCents)).toEqual([1500]);
  });
});
