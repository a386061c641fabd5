import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeys, idempotencyKeys } from '../src/db/schema';
import { call } from './support/api';
import { newAccount, type TestAccount } from './support/accounts';
import { withDb } from './support/db';

const KEY = /^ghh_[0-9A-Za-z]{40}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function createKey(owner: TestAccount, name = 'agent key') {
  const res = await call('/api/v1/api-keys', { token: owner.token, body: { name } });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string; key: string; prefix: string; created_at: string };
}

const sha256Hex = async (value: string) =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value))), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

const keyRow = async (id: string) => (await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.id, id))))[0]!;

describe('API keys', () => {
  it('creates a key shown once, stored only as a hash', async () => {
    const owner = await newAccount();
    const created = await createKey(owner, '  production agent  ');
    expect(created).toEqual({
      id: expect.stringMatching(/^key_[0-9A-Za-z]{16}$/),
      name: 'production agent',
      key: expect.stringMatching(KEY),
      prefix: created.key.slice(0, 12),
      created_at: expect.stringMatching(ISO),
      max_task_amount: null,
      daily_limit: null,
      livemode: true,
    });

    const row = await keyRow(created.id);
    expect(row.keyHash).toBe(await sha256Hex(created.key));
    expect(Object.values(row)).not.toContain(created.key);

    const list = await call('/api/v1/api-keys', { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      data: [
        {
          id: created.id,
          name: 'production agent',
          prefix: created.prefix,
          created_at: created.created_at,
          last_used_at: null,
          max_task_amount: null,
          daily_limit: null,
          livemode: true,
        },
      ],
      total: 1,
      total_capped: false,
      limit: 20,
      offset: 0,
      has_more: false,
    });
    expect(list.text).not.toContain(created.key);
  });

  it('honours Idempotency-Key without ever storing the secret: a replay returns the same key with key: null', async () => {
    const owner = await newAccount();
    const headers = { 'Idempotency-Key': 'create-key-once' };
    const first = await call('/api/v1/api-keys', { token: owner.token, body: { name: 'agent' }, headers });
    expect(first.status).toBe(201);
    expect(first.body.key).toMatch(KEY);
    const replay = await call('/api/v1/api-keys', { token: owner.token, body: { name: 'agent' }, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.body).toEqual({ ...first.body, key: null });
    const stored = await withDb((db) => db.select().from(idempotencyKeys).where(eq(idempotencyKeys.userId, owner.id)));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(first.body.key);
    const list = await call('/api/v1/api-keys', { token: owner.token });
    expect(list.body.total).toBe(1);
  });

  it('authenticates with Authorization: Bearer ghh_... and with X-API-Key', async () => {
    const owner = await newAccount('client');
    const { key } = await createKey(owner);
    const viaBearer = await call('/auth/me', { token: key });
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body).toMatchObject({ id: owner.id, email: owner.email, role: 'client', balance: 0 });
    const viaHeader = await call('/auth/me', { headers: { 'X-API-Key': key } });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.id).toBe(owner.id);
    // The same key in both headers is one credential.
    expect((await call('/auth/me', { token: key, headers: { 'X-API-Key': key } })).status).toBe(200);
  });

  it('revokes a key: the next request with it is 401, other keys keep working', async () => {
    const owner = await newAccount();
    const doomed = await createKey(owner, 'doomed');
    const kept = await createKey(owner, 'kept');
    expect((await call('/auth/me', { token: doomed.key })).status).toBe(200);

    const revoke = await call(`/api/v1/api-keys/${doomed.id}`, { method: 'DELETE', token: owner.token });
    expect(revoke.status).toBe(204);
    expect(revoke.text).toBe('');

    for (const res of [await call('/auth/me', { token: doomed.key }), await call('/auth/me', { headers: { 'X-API-Key': doomed.key } })]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
    }
    expect((await call('/auth/me', { token: kept.key })).status).toBe(200);
    expect((await keyRow(doomed.id)).revokedAt).toBeInstanceOf(Date);

    const list = await call('/api/v1/api-keys', { token: owner.token });
    expect(list.body.data.map((k: { id: string }) => k.id)).toEqual([kept.id]);
    expect((await call(`/api/v1/api-keys/${doomed.id}`, { method: 'DELETE', token: owner.token })).status).toBe(404);
  });

  it('a key may revoke itself', async () => {
    const owner = await newAccount();
    const { id, key } = await createKey(owner);
    expect((await call(`/api/v1/api-keys/${id}`, { method: 'DELETE', token: key })).status).toBe(204);
    expect((await call('/auth/me', { token: key })).status).toBe(401);
  });

  it("never lets account A's key read or touch account B's data", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const aKey = await createKey(a, 'a');
    const bKey = await createKey(b, 'b');

    const me = await call('/auth/me', { token: aKey.key });
    expect(me.body.id).toBe(a.id);
    expect(me.body.email).toBe(a.email);

    const listed = await call('/api/v1/api-keys', { token: aKey.key });
    expect(listed.body.data.map((k: { id: string }) => k.id)).toEqual([aKey.id]);

    const steal = await call(`/api/v1/api-keys/${bKey.id}`, { method: 'DELETE', token: aKey.key });
    expect(steal.status).toBe(404);
    expect(steal.body.error.code).toBe('NOT_FOUND');
    expect((await call('/auth/me', { token: bKey.key })).body.id).toBe(b.id);
    expect((await keyRow(bKey.id)).revokedAt).toBeNull();
  });

  it('keeps last_used_at, writing it at most once a minute', async () => {
    const owner = await newAccount();
    const { id, key } = await createKey(owner);
    expect((await keyRow(id)).lastUsedAt).toBeNull();

    await call('/auth/me', { token: key });
    const first = (await keyRow(id)).lastUsedAt!;
    expect(Math.abs(first.getTime() - Date.now())).toBeLessThan(60_000);
    await call('/auth/me', { token: key });
    expect((await keyRow(id)).lastUsedAt).toEqual(first);

    const longAgo = new Date(Date.now() - 5 * 60_000);
    await withDb((db) => db.update(apiKeys).set({ lastUsedAt: longAgo }).where(eq(apiKeys.id, id)));
    await call('/auth/me', { headers: { 'X-API-Key': key } });
    expect((await keyRow(id)).lastUsedAt!.getTime()).toBeGreaterThan(longAgo.getTime() + 60_000);

    const listed = await call('/api/v1/api-keys', { token: owner.token });
    expect(listed.body.data[0].last_used_at).toMatch(ISO);
  });

  it('allows at most 10 live keys; revoking one makes room', async () => {
    const owner = await newAccount();
    const keys = [];
    for (let i = 0; i < 10; i++) keys.push(await createKey(owner, `key ${i}`));
    const over = await call('/api/v1/api-keys', { token: owner.token, body: { name: 'eleventh' } });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('CONFLICT');
    expect(over.body.error.message).toContain('10');

    expect((await call(`/api/v1/api-keys/${keys[0]!.id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    await createKey(owner, 'replacement');
  });

  it('holds the 10-key limit under concurrent creation', async () => {
    const owner = await newAccount();
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) => call('/api/v1/api-keys', { token: owner.token, body: { name: `race ${i}` } })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status === 409)).toHaveLength(5);
    expect((await call('/api/v1/api-keys', { token: owner.token })).body.total).toBe(10);
  });

  it('paginates the list newest first', async () => {
    const owner = await newAccount();
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createKey(owner, `k${i}`));
    const page = await call('/api/v1/api-keys?limit=2&offset=1', { token: owner.token });
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 1, has_more: false });
    expect(page.body.data.map((k: { name: string }) => k.name)).toEqual(['k1', 'k0']);
    const first = await call('/api/v1/api-keys?limit=1', { token: owner.token });
    expect(first.body).toMatchObject({ total: 3, has_more: true, data: [{ name: 'k2' }] });
    for (const bad of ['limit=0', 'limit=101', 'offset=-1', 'limit=abc', 'limit=1.5']) {
      const res = await call(`/api/v1/api-keys?${bad}`, { token: owner.token });
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details[0].path).toBe(bad.split('=')[0]);
    }
  });

  it('validates the name', async () => {
    const owner = await newAccount();
    for (const [body, field] of [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'n'.repeat(101) }, 'name'],
      [{ name: 'ok', key: 'ghh_mine' }, 'key'],
    ] as const) {
      const res = await call('/api/v1/api-keys', { token: owner.token, body });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
  });

  it('refuses unknown, malformed and conflicting credentials with 401', async () => {
    const owner = await newAccount();
    const { key } = await createKey(owner);
    const unknown = `ghh_${'A'.repeat(40)}`;
    for (const res of [
      await call('/auth/me', { token: unknown }),
      await call('/auth/me', { headers: { 'X-API-Key': unknown } }),
      await call('/auth/me', { token: 'ghh_short' }),
      await call('/auth/me', { headers: { 'X-API-Key': owner.token } }),
      await call('/auth/me', { headers: { 'X-API-Key': '' } }),
      await call('/auth/me', { token: owner.token, headers: { 'X-API-Key': key } }),
      await call('/api/v1/api-keys'),
      await call('/api/v1/api-keys', { body: { name: 'x' } }),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
      expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer /);
    }
  });

  it('documents both security schemes in the OpenAPI document', async () => {
    const doc = (await call('/openapi.json')).body;
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      apiKeyAuth: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
    const both = [{ bearerAuth: [] }, { apiKeyAuth: [] }];
    expect(doc.paths['/auth/me'].get.security).toEqual(both);
    expect(doc.paths['/api/v1/api-keys'].post.security).toEqual(both);
    expect(doc.paths['/api/v1/api-keys'].get.security).toEqual(both);
    expect(doc.paths['/api/v1/api-keys/{id}'].delete.security).toEqual(both);
    expect(doc.paths['/auth/login'].post.security).toBeUndefined();
    expect(Object.keys(doc.paths['/auth/login'].post.responses)).toContain('429');
  });
});
