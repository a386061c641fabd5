/**
 * Signing secrets sealed at rest (src/services/webhooks/secret-box.ts): the rows hold no secret in the clear, yet
 * deliveries verify with the secrets the API handed out; rows from before sealing still sign; a key rotation keeps
 * old rows readable; an altered row fails its attempts with a clear error instead of signing with garbage.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callbackSecrets, webhookEndpoints } from '../src/db/schema';
import worker from '../src/index';
import { callbackOwner, endpointOwner, openSecret, sealSecret, UnreadableSecretError } from '../src/services/webhooks/secret-box';
import { call, PRODUCTION_VARS } from './support/api';
import type { TestAccount } from './support/accounts';
import { withDb } from './support/db';
import { createTask, quickAccount, seedTaskBody } from './support/tasks';
import { act, createEndpoint, eventually, receivedAt, receiverPath, signatureIsValid, waitForRequests } from './support/webhooks';

const SEALED = /^v1:[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;
const key = (kid: string) => `${kid}:${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`;

const endpointRow = async (id: string) => (await withDb((db) => db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id))))[0]!;
const setEndpointSecret = (id: string, secret: string) =>
  withDb((db) => db.update(webhookEndpoints).set({ secret }).where(eq(webhookEndpoints.id, id)));

async function cancelAndReceive(owner: TestAccount, path: string, nth: number, taskBody: Record<string, unknown> = {}) {
  const task = await createTask(owner, taskBody);
  await act(task.id, 'cancel', owner);
  return (await waitForRequests(path, nth))[nth - 1]!;
}

describe('signing secrets at rest', () => {
  it('stores an endpoint secret sealed, and deliveries verify with the secret shown at creation', async () => {
    const owner = await quickAccount('client');
    const { path, url } = receiverPath();
    const endpoint = await createEndpoint(owner, url, ['task.canceled']);
    const row = await endpointRow(endpoint.id);
    expect(row.secret).toMatch(SEALED);
    expect(JSON.stringify(row)).not.toContain(endpoint.secret);
    expect(JSON.stringify(row)).not.toContain(endpoint.secret.slice('whsec_'.length));
    expect(await signatureIsValid(await cancelAndReceive(owner, path, 1), endpoint.secret)).toBe(true);
  });

  it('seals rolled secrets, the replaced one included, and both still sign', async () => {
    const owner = await quickAccount('client');
    const { path, url } = receiverPath();
    const endpoint = await createEndpoint(owner, url, ['task.canceled']);
    const rolled = await call(`/api/v1/webhook-endpoints/${endpoint.id}/roll-secret`, { method: 'POST', token: owner.token, body: {} });
    expect(rolled.status, rolled.text).toBe(200);
    const row = await endpointRow(endpoint.id);
    expect(row.secret).toMatch(SEALED);
    expect(row.previousSecret).toMatch(SEALED);
    expect(JSON.stringify(row)).not.toContain(rolled.body.secret);
    expect(JSON.stringify(row)).not.toContain(endpoint.secret);
    const request = await cancelAndReceive(owner, path, 1);
    expect(await signatureIsValid(request, rolled.body.secret)).toBe(true);
    expect(await signatureIsValid(request, endpoint.secret)).toBe(true);
  });

  it('seals the callback secret; callback deliveries verify with callback_secret, after a roll too', async () => {
    const owner = await quickAccount('ai_client');
    const { path, url } = receiverPath();
    const created = await call('/api/v1/tasks', { token: owner.token, body: seedTaskBody({ callback_url: url }) });
    expect(created.status, created.text).toBe(201);
    const secret = created.body.callback_secret as string;
    const stored = async () => (await withDb((db) => db.select().from(callbackSecrets).where(eq(callbackSecrets.userId, owner.id))))[0]!;
    expect((await stored()).secret).toMatch(SEALED);
    expect(JSON.stringify(await stored())).not.toContain(secret);
    await act(created.body.id, 'cancel', owner);
    expect(await signatureIsValid((await waitForRequests(path, 1))[0]!, secret)).toBe(true);

    const rolled = await call('/api/v1/callback-secret/roll', { method: 'POST', token: owner.token, body: {} });
    expect(rolled.status, rolled.text).toBe(200);
    const row = await stored();
    expect(row.secret).toMatch(SEALED);
    expect(row.previousSecret).toMatch(SEALED);
    const request = await cancelAndReceive(owner, path, 2, { callback_url: url });
    expect(await signatureIsValid(request, rolled.body.secret)).toBe(true);
    expect(await signatureIsValid(request, secret)).toBe(true);
  });

  it('still signs with a row stored before sealing (whsec_ in the clear), and a roll seals the new secret', async () => {
    const owner = await quickAccount('client');
    const { path, url } = receiverPath();
    const endpoint = await createEndpoint(owner, url, ['task.canceled']);
    const legacy = 'whsec_LegacyPlainTextSecret0123456789ab';
    await setEndpointSecret(endpoint.id, legacy);
    expect(await signatureIsValid(await cancelAndReceive(owner, path, 1), legacy)).toBe(true);

    const rolled = await call(`/api/v1/webhook-endpoints/${endpoint.id}/roll-secret`, { method: 'POST', token: owner.token, body: {} });
    expect((await endpointRow(endpoint.id)).secret).toMatch(SEALED);
    const request = await cancelAndReceive(owner, path, 2);
    expect(await signatureIsValid(request, rolled.body.secret)).toBe(true);
    expect(await signatureIsValid(request, legacy)).toBe(true);
  });

  it('records an altered secret as a failed attempt with a clear error, and sends nothing', async () => {
    const owner = await quickAccount('client');
    const { path, url } = receiverPath();
    const endpoint = await createEndpoint(owner, url, ['task.canceled']);
    const sealed = (await endpointRow(endpoint.id)).secret;
    const parts = sealed.split(':');
    const body = parts[3]!;
    parts[3] = (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
    await setEndpointSecret(endpoint.id, parts.join(':'));

    const task = await createTask(owner);
    await act(task.id, 'cancel', owner);
    const list = await eventually(
      () => call(`/api/v1/webhook-endpoints/${endpoint.id}/deliveries`, { token: owner.token }),
      (res) => res.body.data?.length >= 1,
    );
    const [first] = list.body.data;
    expect(first).toMatchObject({ attempt: 1, state: 'failed', status_code: null });
    expect(first.error).toMatch(/^Not sent: The signing secret does not open under key/);
    expect(await receivedAt(path)).toEqual([]);
  });
});

describe('the sealing key', () => {
  it('opens rows sealed under an older key after rotation, and seals new ones under the first key', async () => {
    const old = key('old');
    const sealed = await sealSecret({ ...env, WEBHOOK_SECRETS_KEY: old }, 'whsec_abc', endpointOwner('whe_1'));
    expect(sealed.startsWith('v1:old:')).toBe(true);
    const rotated = { ...env, WEBHOOK_SECRETS_KEY: `${key('new')},${old}` };
    expect(await openSecret(rotated, sealed, endpointOwner('whe_1'))).toBe('whsec_abc');
    expect((await sealSecret(rotated, 'whsec_abc', endpointOwner('whe_1'))).startsWith('v1:new:')).toBe(true);
    await expect(openSecret({ ...env, WEBHOOK_SECRETS_KEY: key('new') }, sealed, endpointOwner('whe_1'))).rejects.toThrow(/key "old"/);
  });

  it('binds a sealed secret to its row: copied into another row it does not open', async () => {
    const sealed = await sealSecret(env, 'whsec_abc', callbackOwner('usr_a'));
    await expect(openSecret(env, sealed, callbackOwner('usr_b'))).rejects.toBeInstanceOf(UnreadableSecretError);
    await expect(openSecret(env, sealed, endpointOwner('usr_a'))).rejects.toBeInstanceOf(UnreadableSecretError);
    expect(await openSecret(env, sealed, callbackOwner('usr_a'))).toBe('whsec_abc');
  });

  it('production refuses to serve (503) without it or with an unusable one', async () => {
    const production = { ...env, ...PRODUCTION_VARS };
    for (const value of [undefined, '', 'no-kid', `k1:${btoa('short')}`, `${key('a')},${key('a')}`]) {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request('https://api.example.com/health'), { ...production, WEBHOOK_SECRETS_KEY: value }, ctx);
      await waitOnExecutionContext(ctx);
      expect(res.status, String(value)).toBe(503);
      expect(((await res.json()) as any).error.code).toBe('SERVICE_UNAVAILABLE');
    }
    const ctx = createExecutionContext();
    const ok = await worker.fetch(new Request('https://api.example.com/health'), { ...production, WEBHOOK_SECRETS_KEY: key('k1') }, ctx);
    await waitOnExecutionContext(ctx);
    expect(ok.status).toBe(200);
  });
});
