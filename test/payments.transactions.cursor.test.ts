/** `starting_after` on the ledger lines: each line has its own id, so a walk can stop between two lines of one transaction. */
import { describe, expect, it, vi } from 'vitest';
import { call } from './support/api';
import { act } from './support/payments';
import { createTask, fundTask, quickAccount } from './support/tasks';

type Line = { id: string; transaction_id: string; type: string; account: string };
const linesOf = (res: { body: { data: Line[] } }) => res.body.data;
const list = (who: { token: string }, query: string) => call(`/api/v1/payments/transactions?${query}`, { token: who.token });

/** A client with a funded task and a canceled one: the refund is one transaction on two of their balances. */
async function clientWithRefund() {
  const owner = await quickAccount('client');
  const kept = await createTask(owner);
  await fundTask(owner, kept.id, 16);
  const canceled = await createTask(owner);
  await fundTask(owner, canceled.id, 30);
  expect((await act(canceled.id, 'cancel', owner)).status).toBe('canceled');
  // The refund's settlement is written once Stripe answers; wait for it so the list is still while it is read.
  await vi.waitFor(async () => expect(linesOf(await list(owner, 'limit=100')).map((l) => l.type)).toContain('settlement'));
  return owner;
}

describe('GET /api/v1/payments/transactions?starting_after', () => {
  it('walks every line exactly once, in order, while new lines are written, splitting a transaction between pages', async () => {
    const owner = await clientWithRefund();
    const before = linesOf(await list(owner, 'limit=100'));
    expect(before.map((l) => [l.type, l.account])).toEqual([
      ['settlement', 'pending_refund'],
      ['refund', 'pending_refund'],
      ['refund', 'escrow'],
      ['funding', 'escrow'],
      ['funding', 'escrow'],
    ]);
    expect(new Set(before.map((l) => l.id)).size).toBe(before.length);
    for (const line of before) expect(line.id).toMatch(/^ln_\d+$/);

    const walked: Line[] = [];
    let res = await list(owner, 'limit=1');
    for (;;) {
      expect(res.status).toBe(200);
      walked.push(...linesOf(res));
      if (!res.body.has_more) break;
      // A line written between pages lands before the cursor: neither this walk's next page nor a repeat.
      await fundTask(owner, (await createTask(owner)).id, 15);
      res = await list(owner, `limit=1&starting_after=${walked.at(-1)!.id}`);
      expect(res.body).toMatchObject({ limit: 1, offset: 0 });
      expect(res.body.total).toBe(before.length + walked.length);
    }
    expect(walked.map((l) => l.id)).toEqual(before.map((l) => l.id));
    // The refund's two lines came on separate pages, under one transaction id.
    expect(walked[1]!.transaction_id).toBe(walked[2]!.transaction_id);
  });

  it('says has_more exactly, and the last line as cursor gives an empty page', async () => {
    const owner = await clientWithRefund();
    const all = linesOf(await list(owner, 'limit=100')).map((l) => l.id);
    const rest = await list(owner, `limit=4&starting_after=${all[0]}&offset=0`);
    expect(rest.body).toMatchObject({ total: 5, limit: 4, offset: 0, has_more: false });
    expect(linesOf(rest).map((l) => l.id)).toEqual(all.slice(1));
    const one = await list(owner, `limit=1&starting_after=${all[2]}`);
    expect(one.body).toMatchObject({ has_more: true });
    expect(linesOf(one).map((l) => l.id)).toEqual([all[3]]);
    expect((await list(owner, `starting_after=${all[4]}`)).body).toMatchObject({ data: [], total: 5, has_more: false });
  });

  it.each([
    ['an unknown line', () => 'ln_999999999999'],
    ['a malformed id', () => 'ln_abc'],
    ['a transaction id', () => 'txn_3fZ8kQ2mN7pL1xVa'],
    ['an empty value', () => ''],
  ])('answers %s with 400 naming starting_after', async (_, cursor) => {
    const owner = await quickAccount('client');
    const res = await list(owner, `starting_after=${cursor()}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('starting_after');
  });

  it("answers another account's line with 400, and a cursor with offset > 0 too", async () => {
    const owner = await quickAccount('client');
    const other = await quickAccount('client');
    await fundTask(owner, (await createTask(owner)).id, 17);
    await fundTask(other, (await createTask(other)).id, 18);
    const theirs = linesOf(await list(other, 'limit=1'))[0]!.id;
    const mine = linesOf(await list(owner, 'limit=1'))[0]!.id;

    const foreign = await list(owner, `starting_after=${theirs}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'starting_after' }] });
    const both = await list(owner, `starting_after=${mine}&offset=1`);
    expect(both.status).toBe(400);
    expect(both.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'starting_after' }] });
  });
});
