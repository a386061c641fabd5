/** Idempotency-Key on state-changing POSTs under /api/v1 (the middleware every such route uses). */
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { idempotencyKeys, taskEvents, tasks } from '../src/db/schema';
import { openDb } from '../src/db/client';
import { purgeExpiredKeys } from '../src/services/idempotency';
import { call, env } from './support/api';
import { withDb } from './support/db';
import { quickAccount, seedTaskBody, taskAt } from './support/tasks';

const post = (path: string, token: string, body: unknown, key?: string) =>
  call(path, { method: 'POST', token, body, headers: key === undefined ? {} : { 'Idempotency-Key': key } });
const tasksOf = (clientId: string) => withDb((db) => db.select().from(tasks).where(eq(tasks.clientId, clientId)));

describe('Idempotency-Key', () => {
  it('same key twice creates one task and returns the same status and body twice', async () => {
    const owner = await quickAccount();
    const body = seedTaskBody();
    const first = await post('/api/v1/tasks', owner.token, body, 'create-1');
    const second = await post('/api/v1/tasks', owner.token, body, 'create-1');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    expect(second.headers.get('Idempotent-Replayed')).toBe('true');
    expect(await tasksOf(owner.id)).toHaveLength(1);
  });

  it('the same key with another body is 422 IDEMPOTENCY_MISMATCH and does nothing', async () => {
    const owner = await quickAccount();
    expect((await post('/api/v1/tasks', owner.token, seedTaskBody(), 'create-2')).status).toBe(201);
    const other = await post('/api/v1/tasks', owner.token, seedTaskBody({ budget_amount: 16 }), 'create-2');
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await tasksOf(owner.id)).toHaveLength(1);
  });

  it('the same key on another route is a mismatch too', async () => {
    const { owner, taskId } = await taskAt('listed');
    expect((await post(`/api/v1/tasks/${taskId}/cancel`, owner.token, undefined, 'shared-key')).status).toBe(200);
    const res = await post('/api/v1/tasks', owner.token, seedTaskBody(), 'shared-key');
    expect(res.status).toBe(422);
  });

  it('keys belong to an account: another account with the same key acts on its own', async () => {
    const a = await quickAccount();
    const b = await quickAccount();
    const body = seedTaskBody();
    const ra = await post('/api/v1/tasks', a.token, body, 'common-key');
    const rb = await post('/api/v1/tasks', b.token, body, 'common-key');
    expect(ra.status).toBe(201);
    expect(rb.status).toBe(201);
    expect(rb.body.id).not.toBe(ra.body.id);
    expect(rb.body.client_id).toBe(b.id);
  });

  it('without a key, two identical requests act twice', async () => {
    const owner = await quickAccount();
    await post('/api/v1/tasks', owner.token, seedTaskBody());
    await post('/api/v1/tasks', owner.token, seedTaskBody());
    expect(await tasksOf(owner.id)).toHaveLength(2);
  });

  it('a key that is empty or longer than 255 characters is 400', async () => {
    const owner = await quickAccount();
    for (const key of ['', 'k'.repeat(256)]) {
      const res = await post('/api/v1/tasks', owner.token, seedTaskBody(), key);
      expect(res.status).toBe(400);
      expect(res.body.error.details[0].path).toBe('Idempotency-Key');
    }
    expect((await post('/api/v1/tasks', owner.token, seedTaskBody(), 'k'.repeat(255))).status).toBe(201);
    expect(await tasksOf(owner.id)).toHaveLength(1);
  });

  it('replays a transition: the second accept with the key answers 200 with the first body and moves nothing', async () => {
    const { taskId, pro } = await taskAt('listed');
    const first = await post(`/api/v1/tasks/${taskId}/accept`, pro.token, undefined, 'accept-1');
    const second = await post(`/api/v1/tasks/${taskId}/accept`, pro.token, undefined, 'accept-1');
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.text).toBe(first.text);
    const accepted = await withDb((db) => db.select().from(taskEvents).where(and(eq(taskEvents.taskId, taskId), eq(taskEvents.type, 'accepted'))));
    expect(accepted).toHaveLength(1);
    // Without the key the same call is a new request, refused by the state machine.
    expect((await post(`/api/v1/tasks/${taskId}/accept`, pro.token, undefined)).status).toBe(409);
  });

  it('stores a final client error too: the retry gets the same 409', async () => {
    const { owner, taskId } = await taskAt('listed');
    const first = await post(`/api/v1/tasks/${taskId}/approve`, owner.token, undefined, 'approve-early');
    expect(first.status).toBe(409);
    const again = await post(`/api/v1/tasks/${taskId}/approve`, owner.token, undefined, 'approve-early');
    expect(again.status).toBe(409);
    expect(again.headers.get('Idempotent-Replayed')).toBe('true');
    expect(again.text).toBe(first.text);
  });

  it('a duplicate that finds the first still in flight gets 409 CONFLICT and does nothing; once it ends, the retry acts', async () => {
    const owner = await quickAccount();
    const body = seedTaskBody();
    // Another transaction holds the key, as a first request still running does.
    const holder = openDb(env);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holderDone = holder.db
      .transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${owner.id}), hashtext('busy'))`);
        holding();
        await released;
      })
      .finally(() => holder.close());
    await held;
    const busy = await post('/api/v1/tasks', owner.token, body, 'busy');
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('CONFLICT');
    expect(await tasksOf(owner.id)).toHaveLength(0);

    // The first request ended without an answer (it failed, or its connection dropped): nothing holds the key now.
    release();
    await holderDone;
    expect((await post('/api/v1/tasks', owner.token, body, 'busy')).status).toBe(201);
    expect(await tasksOf(owner.id)).toHaveLength(1);
  });

  it('a request whose connection dies mid-way leaves no claim: the retry acts at once', async () => {
    const owner = await quickAccount();
    const body = seedTaskBody();
    const holder = openDb(env);
    const client = await holder.pool().connect();
    client.on('error', () => undefined);
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', [owner.id, 'dropped']);
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    // The backend goes away with the transaction open, as when the Worker is evicted or the network drops.
    await withDb((db) => db.execute(sql`select pg_terminate_backend(${rows[0]!.pid})`));
    client.release(true);
    await holder.close().catch(() => undefined);
    const started = Date.now();
    expect((await post('/api/v1/tasks', owner.token, body, 'dropped')).status).toBe(201);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await tasksOf(owner.id)).toHaveLength(1);
  });

  it('keys expire after 24 hours: an old key acts again, and the purge job removes old rows only', async () => {
    const owner = await quickAccount();
    const body = seedTaskBody();
    expect((await post('/api/v1/tasks', owner.token, body, 'old-key')).status).toBe(201);
    expect((await post('/api/v1/tasks', owner.token, body, 'fresh-key')).status).toBe(201);
    await withDb((db) =>
      db
        .update(idempotencyKeys)
        .set({ createdAt: sql`now() - interval '25 hours'` })
        .where(and(eq(idempotencyKeys.userId, owner.id), eq(idempotencyKeys.key, 'old-key'))),
    );
    const again = await post('/api/v1/tasks', owner.token, body, 'old-key');
    expect(again.status).toBe(201);
    expect(again.headers.get('Idempotent-Replayed')).toBeNull();
    expect(await tasksOf(owner.id)).toHaveLength(3);

    await withDb((db) =>
      db.update(idempotencyKeys).set({ createdAt: sql`now() - interval '25 hours'` }).where(and(eq(idempotencyKeys.userId, owner.id), eq(idempotencyKeys.key, 'old-key'))),
    );
    await withDb((db) => purgeExpiredKeys(db, new Date()));
    const left = await withDb((db) => db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(eq(idempotencyKeys.userId, owner.id)));
    expect(left.map((r) => r.key)).toEqual(['fresh-key']);
  });

  it('every state-changing POST under /api/v1 declares the Idempotency-Key header', async () => {
    const doc = (await call('/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };
    // A quote reads and creates nothing (test/tasks.quote.test.ts counts the tasks): there is nothing a retry could repeat.
    const READ_ONLY_POSTS = ['/api/v1/tasks/quote'];
    const posts = Object.entries(doc.paths).filter(([path, item]) => path.startsWith('/api/v1/') && item.post && !READ_ONLY_POSTS.includes(path));
    expect(posts.length).toBeGreaterThanOrEqual(10);
    for (const [path, item] of posts) {
      expect({ path, header: item.post!.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key') }).toEqual({ path, header: true });
    }
    for (const path of READ_ONLY_POSTS) expect(doc.paths[path]!.post!.parameters ?? []).not.toContainEqual(expect.objectContaining({ name: 'Idempotency-Key' }));
  });
});
