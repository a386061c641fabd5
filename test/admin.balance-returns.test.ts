/** An operator records a return of a user's available balance made outside the platform. */
import { describe, expect, it } from 'vitest';
import { newAdmin } from './support/accounts';
import { call } from './support/api';
import { clientWithBalance, expectLedgerInvariants, fundFromBalance } from './support/balance';
import { balanceOf } from './support/payments';
import { createTask, quickAccount } from './support/tasks';

const returnBalance = (who: { token: string }, userId: string, body: unknown, headers?: Record<string, string>) =>
  call(`/api/v1/admin/users/${userId}/balance-returns`, { method: 'POST', token: who.token, body, headers });

describe('POST /api/v1/admin/users/{id}/balance-returns', () => {
  it("takes the amount out of the user's available balance, with the note in their transactions; a replay records it once", async () => {
    const admin = await newAdmin();
    const client = await clientWithBalance(64);
    const note = 'Bank transfer ref. 2026-03-14-0087';
    const headers = { 'Idempotency-Key': 'return-1' };

    const partial = await returnBalance(admin, client.id, { amount: 40, note }, headers);
    expect(partial.status, partial.text).toBe(201);
    expect(partial.body).toEqual({
      id: expect.stringMatching(/^txn_/),
      user_id: client.id,
      amount: 40,
      currency: 'usd',
      note,
      available_balance: 24,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    const replay = await returnBalance(admin, client.id, { amount: 40, note }, headers);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.text).toBe(partial.text);
    expect(await balanceOf(client)).toEqual({ available_balance: 24, escrow_balance: 0, pending_balance: 0, currency: 'usd' });

    const [line] = (await call('/api/v1/payments/transactions', { token: client.token })).body.data;
    expect(line).toMatchObject({ transaction_id: partial.body.id, type: 'manual_return', account: 'available', amount: -40, task_id: null, description: `Returned outside the platform: ${note}` });

    // More than is left is refused and changes nothing; the rest can be returned.
    const over = await returnBalance(admin, client.id, { amount: 24.01, note });
    expect(over.status).toBe(409);
    expect(over.body.error).toMatchObject({ code: 'INSUFFICIENT_BALANCE', details: [{ path: 'amount', message: 'available_balance is 24.00 USD' }] });
    expect((await returnBalance(admin, client.id, { amount: 24, note: 'Rest by bank transfer' })).body).toMatchObject({ available_balance: 0 });
    expect(await balanceOf(client)).toMatchObject({ available_balance: 0 });
    await expectLedgerInvariants();
  });

  it('is for admins only, and validates its body', async () => {
    const admin = await newAdmin();
    const client = await clientWithBalance(10);
    expect((await returnBalance(client, client.id, { amount: 5, note: 'mine' })).body.error.code).toBe('FORBIDDEN');
    expect((await returnBalance(await quickAccount('professional'), client.id, { amount: 5, note: 'x' })).status).toBe(403);
    expect((await call(`/api/v1/admin/users/${client.id}/balance-returns`, { body: { amount: 5, note: 'x' } })).status).toBe(401);
    expect((await returnBalance(admin, 'usr_nobodyAtAll000', { amount: 5, note: 'x' })).body.error.code).toBe('NOT_FOUND');
    const invalid = await returnBalance(admin, client.id, { amount: 5 });
    expect(invalid.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'note' }] });
    expect((await returnBalance(admin, client.id, { amount: -5, note: 'x' })).status).toBe(400);
    expect((await returnBalance(admin, client.id, { amount: 5, note: '   ' })).status).toBe(400);
    const nothing = await returnBalance(admin, (await quickAccount('client')).id, { amount: 1, note: 'x' });
    expect(nothing.body.error).toMatchObject({ code: 'INSUFFICIENT_BALANCE' });
    expect(await balanceOf(client)).toMatchObject({ available_balance: 10 });
    await expectLedgerInvariants();
  });

  it('two returns and a funding racing for one balance: exactly one takes it', async () => {
    const admin = await newAdmin();
    const client = await clientWithBalance(30);
    const task = await createTask(client, { budget_amount: 20 });
    const results = await Promise.all([
      returnBalance(admin, client.id, { amount: 20, note: 'attempt 1' }),
      fundFromBalance(client, task.id, 20),
      returnBalance(admin, client.id, { amount: 20, note: 'attempt 2' }),
    ]);
    expect(results.filter((r) => r.status === 201 || r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual(['INSUFFICIENT_BALANCE', 'INSUFFICIENT_BALANCE']);
    expect((await balanceOf(client)).available_balance).toBe(10);
    await expectLedgerInvariants();
  });
});
