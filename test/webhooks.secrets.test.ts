/**
 * Rolling signing secrets: after a roll, deliveries carry the new secret's v1 and, until the replaced secret expires,
 * its v1 too; then only the new one. Expiry is moved by editing the row (the check reads the database's clock).
 */
import { env } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callbackSecrets, webhookEndpoints } from '../src/db/schema';
import { endpointOwner, openSecret } from '../src/services/webhooks/secret-box';
import { call } from './support/api';
import type { TestAccount } from './support/accounts';
import { withDb } from './support/db';
import { createTask, quickAccount, quickVerifiedProfessional, seedTaskBody } from './support/tasks';
import { act, createEndpoint, expectedSignature, receiverPath, signatureIsValid, signatureParts, waitForRequests } from './support/webhooks';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const SECRET = /^whsec_[0-9A-Za-z]{32}$/;

const roll = (owner: TestAccount, endpointId: string, body?: unknown, headers?: Record<string, string>) =>
  call(`/api/v1/webhook-endpoints/${endpointId}/roll-secret`, { method: 'POST', token: owner.token, body, headers });
const rollCallback = (owner: TestAccount, body?: unknown) =>
  call('/api/v1/callback-secret/roll', { method: 'POST', token: owner.token, body });

/** Cancels a fresh task of `owner` and returns the request its receiver at `path` got for it (the `nth`, 1-based). */
async function cancelAndReceive(owner: TestAccount, path: string, nth: number, taskBody: Record<string, unknown> = {}) {
  const task = await createTask(owner, taskBody);
  await act(task.id, 'cancel', owner);
  return (await waitForRequests(path, nth))[nth - 1]!;
}

/** The v1 values the request carries are exactly these secrets' signatures, in this order. */
async function expectSignedBy(request: Parameters<typeof signatureParts>[0], secrets: string[]) {
  expect(signatureParts(request).v1).toEqual(await Promise.all(secrets.map((s) => expectedSignature(request, s))));
  for (const secret of secrets) expect(await signatureIsValid(request, secret)).toBe(true);
}

const expireEndpointOverlap = (id: string) =>
  withDb((db) => db.update(webhookEndpoints).set({ previousSecretExpiresAt: sql`now() - interval '1 second'` }).where(eq(webhookEndpoints.id, id)));

describe('rolling an endpoint secret', () => {
  it('signs with both secrets until the old one expires, then with the new one only', async () => {
    const owner = await quickAccount('client');
    const { path, url } = receiverPath();
    const endpoint = await createEndpoint(owner, url, ['task.canceled']);
    expect(endpoint.previous_secret_expires_at).toBeNull();

    const before = Date.now();
    const rolled = await roll(owner, endpoint.id, { expires_in_seconds: 3600 });
    expect(rolled.status, rolled.text).toBe(200);
    const { secret, ...shown } = rolled.body;
    expect(secret).toMatch(SECRET);
    expect(secret).not.toBe(endpoint.secret);
    expect(shown).toEqual({ id: endpoint.id, url, events: ['task.canceled'], description: null, previous_secret_expires_at: expect.stringMatching(ISO), created_at: endpoint.created_at, livemode: true });
    const until = Date.parse(shown.previous_secret_expires_at);
    expect(until - before).toBeGreaterThan(3590_000);
    expect(until - before).toBeLessThan(3610_000);
    const read = await call(`/api/v1/webhook-endpoints/${endpoint.id}`, { token: owner.token });
    expect(read.body).toEqual(shown);
    expect(read.text).not.toContain(secret);

    await expectSignedBy(await cancelAndReceive(owner, path, 1), [secret, endpoint.secret]);

    await expireEndpointOverlap(endpoint.id);
    const after = await cancelAndReceive(owner, path, 2);
    await expectSignedBy(after, [secret]);
    expect(await signatureIsValid(after, endpoint.secret)).toBe(false);
    expect((await call(`/api/v1/webhook-endpoints/${endpoint.id}`, { token: owner.token })).body.previous_secret_expires_at).toBeNull();
  });

  it('with expires_in_seconds 0 the old secret stops at once', async () => {
    const owner = await quickAccount('ai_client');
    const { path, url } = receiverPath();
    const endpoint = await createEndpoint(owner, url, ['task.canceled']);
    const rolled = await roll(owner, endpoint.id, { expires_in_seconds: 0 });
    expect(rolled.status).toBe(200);
    expect(rolled.body.previous_secret_expires_at).toBeNull();
    const request = await cancelAndReceive(owner, path, 1);
    await expectSignedBy(request, [rolled.body.secret]);
    expect(await signatureIsValid(request, endpoint.secret)).toBe(false);
  });

  it('defaults to a day of overlap, and a second roll keeps only the secret it replaced', async () => {
    const owner = await quickAccount('client');
    const { path, url } = receiverPath();
    const endpoint = await createEndpoint(owner, url, ['task.canceled']);
    const first = await roll(owner, endpoint.id);
    expect(first.status, first.text).toBe(200);
    expect(Date.parse(first.body.previous_secret_expires_at) - Date.now()).toBeGreaterThan(86_390_000);
    const second = await roll(owner, endpoint.id, { expires_in_seconds: 600 });
    expect(second.status).toBe(200);
    const request = await cancelAndReceive(owner, path, 1);
    await expectSignedBy(request, [second.body.secret, first.body.secret]);
    expect(await signatureIsValid(request, endpoint.secret)).toBe(false);
  });

  it('an Idempotency-Key replay answers the same secret and rolls nothing', async () => {
    const owner = await quickAccount('client');
    const endpoint = await createEndpoint(owner, receiverPath().url, ['task.canceled']);
    const headers = { 'Idempotency-Key': `roll-${endpoint.id}` };
    const first = await roll(owner, endpoint.id, { expires_in_seconds: 60 }, headers);
    const replay = await roll(owner, endpoint.id, { expires_in_seconds: 60 }, headers);
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    const [row] = await withDb((db) => db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id)));
    const open = (sealed: string | null) => openSecret(env, sealed ?? '', endpointOwner(endpoint.id));
    expect([await open(row!.secret), await open(row!.previousSecret)]).toEqual([first.body.secret, endpoint.secret]);
    expect((await roll(owner, endpoint.id, { expires_in_seconds: 61 }, headers)).status).toBe(422);
  });

  it('rejects bad input, and hides other accounts\' endpoints', async () => {
    const owner = await quickAccount('client');
    const stranger = await quickAccount('client');
    const endpoint = await createEndpoint(owner, receiverPath().url, ['task.canceled']);
    for (const body of [{ expires_in_seconds: -1 }, { expires_in_seconds: 604_801 }, { expires_in_seconds: 1.5 }, { expires_in_seconds: '60' }, { expires_in_seconds: null }]) {
      const res = await roll(owner, endpoint.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'expires_in_seconds', message: expect.any(String) }] });
    }
    const unknown = await roll(owner, endpoint.id, { expires_in: 60 });
    expect(unknown.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'expires_in' }] });
    expect((await roll(owner, endpoint.id, { expires_in_seconds: 604_800 })).status).toBe(200);

    for (const id of [endpoint.id, 'whe_doesNotExist123']) {
      const res = await roll(stranger, id, {});
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect((await call(`/api/v1/webhook-endpoints/${endpoint.id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    expect((await roll(owner, endpoint.id, {})).status).toBe(404);
    const pro = await quickVerifiedProfessional();
    expect((await roll(pro, endpoint.id, {})).status).toBe(403);
    expect((await call(`/api/v1/webhook-endpoints/${endpoint.id}/roll-secret`, { method: 'POST' })).status).toBe(401);
  });
});

describe('rolling the callback secret', () => {
  it("signs callbacks with both secrets until the old one expires; new tasks are handed the new secret", async () => {
    const owner = await quickAccount('ai_client');
    const { path, url } = receiverPath();
    const created = await call('/api/v1/tasks', { token: owner.token, body: { ...seedTaskBody(), callback_url: url } });
    expect(created.status).toBe(201);
    const old = created.body.callback_secret as string;

    const rolled = await rollCallback(owner, { expires_in_seconds: 600 });
    expect(rolled.status, rolled.text).toBe(200);
    expect(rolled.body).toEqual({ secret: expect.stringMatching(SECRET), previous_secret_expires_at: expect.stringMatching(ISO) });
    const secret = rolled.body.secret as string;
    expect(secret).not.toBe(old);

    await act(created.body.id, 'cancel', owner);
    const [first] = await waitForRequests(path, 1);
    await expectSignedBy(first!, [secret, old]);

    const another = await call('/api/v1/tasks', { token: owner.token, body: { ...seedTaskBody(), callback_url: url } });
    expect(another.body.callback_secret).toBe(secret);
    await withDb((db) =>
      db.update(callbackSecrets).set({ previousSecretExpiresAt: sql`now() - interval '1 second'` }).where(eq(callbackSecrets.userId, owner.id)),
    );
    await act(another.body.id, 'cancel', owner);
    const [, second] = await waitForRequests(path, 2);
    await expectSignedBy(second!, [secret]);
    expect(await signatureIsValid(second!, old)).toBe(false);
  });

  it('with expires_in_seconds 0 only the new secret signs; an account without one gets its first', async () => {
    const owner = await quickAccount('client');
    const fresh = await rollCallback(owner);
    expect(fresh.status).toBe(200);
    expect(fresh.body.previous_secret_expires_at).toBeNull();

    const { path, url } = receiverPath();
    const created = await call('/api/v1/tasks', { token: owner.token, body: { ...seedTaskBody(), callback_url: url } });
    expect(created.body.callback_secret).toBe(fresh.body.secret);
    const rolled = await rollCallback(owner, { expires_in_seconds: 0 });
    expect(rolled.body.previous_secret_expires_at).toBeNull();
    const request = await cancelAndReceive(owner, path, 1, { callback_url: url });
    await expectSignedBy(request, [rolled.body.secret]);
    expect(await signatureIsValid(request, fresh.body.secret)).toBe(false);
  });

  it('validates like the endpoint roll and is for clients', async () => {
    const owner = await quickAccount('client');
    const bad = await rollCallback(owner, { expires_in_seconds: 604_801 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'expires_in_seconds', message: expect.any(String) }]);
    const pro = await quickVerifiedProfessional();
    expect((await rollCallback(pro, {})).status).toBe(403);
    expect((await call('/api/v1/callback-secret/roll', { method: 'POST' })).status).toBe(401);
  });
});
