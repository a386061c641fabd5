/** GET /api/v1/payments/checkout/{id}: the checkout POST returned, with its current status, for its task's owner only. */
import { describe, expect, it } from 'vitest';
import { CheckoutSchema } from '../src/schemas/payments';
import { call } from './support/api';
import { deliver, fake } from './support/stripe';
import { createTask, openCheckout, quickAccount, quickVerifiedProfessional } from './support/tasks';

const read = (id: string, token?: string) => call(`/api/v1/payments/checkout/${id}`, { token });

async function openedCheckout(usd = 25) {
  const owner = await quickAccount();
  const task = await createTask(owner, { budget_amount: usd });
  const { checkout, sessionId } = await openCheckout(owner, task.id, usd);
  return { owner, task, checkout, sessionId };
}

describe('GET /api/v1/payments/checkout/{id}', () => {
  it('gives the owner the object POST returned, and follows the payment to paid', async () => {
    const { owner, task, checkout, sessionId } = await openedCheckout(25);
    const before = await read(checkout.id, owner.token);
    expect(before.status).toBe(200);
    expect(before.body).toEqual(checkout);
    expect(before.body).toMatchObject({ task_id: task.id, amount: 25, currency: 'usd', status: 'pending' });
    expect(before.headers.get('X-Request-Id')).toMatch(/^req_/);

    const { event } = await fake(`/__pay/${sessionId}`, {});
    expect((await deliver(event)).status).toBe(200);
    const after = await read(checkout.id, owner.token);
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ ...checkout, status: 'paid' });
  });

  it('shows a checkout whose session expired as expired', async () => {
    const { owner, checkout, sessionId } = await openedCheckout(18);
    expect((await deliver((await fake(`/__expire/${sessionId}`, {})).event)).status).toBe(200);
    expect((await read(checkout.id, owner.token)).body).toEqual({ ...checkout, status: 'expired' });
  });

  it("answers 404 to other accounts, exactly as for a checkout that does not exist", async () => {
    const { checkout } = await openedCheckout();
    const unknown = await read('chk_doesNotExist0000', (await quickAccount()).token);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'NOT_FOUND', message: 'Checkout not found.', request_id: expect.stringMatching(/^req_/) });
    for (const other of [await quickAccount('client'), await quickAccount('ai_client'), await quickVerifiedProfessional()]) {
      const res = await read(checkout.id, other.token);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', message: unknown.body.error.message });
    }
    for (const malformed of ['x', encodeURIComponent('chk_../../tasks'), 'c'.repeat(300)]) {
      expect((await read(malformed, (await quickAccount()).token)).status).toBe(404);
    }
  });

  it('answers 401 without credentials or with bad ones', async () => {
    const { checkout } = await openedCheckout();
    for (const token of [undefined, 'not-a-token']) {
      const res = await read(checkout.id, token);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(res.headers.get('WWW-Authenticate')).toContain('Bearer');
    }
  });

  it('is in the OpenAPI document, with a response example that fits the Checkout schema', async () => {
    const doc = (await call('/openapi.json')).body;
    const op = doc.paths['/api/v1/payments/checkout/{id}']?.get;
    expect(op).toBeDefined();
    expect(op.tags).toEqual(['Payments']);
    expect(op.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    const ok = op.responses['200'].content['application/json'];
    expect(ok.schema.$ref).toBe('#/components/schemas/Checkout');
    expect(CheckoutSchema.safeParse(ok.example).success).toBe(true);
    for (const status of ['401', '404']) expect(op.responses[status].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
  });
});
