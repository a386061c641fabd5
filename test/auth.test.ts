import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '../src/db/schema';
import { hashPassword } from '../src/services/passwords';
import { newId } from '../src/lib/ids';
import { call } from './support/api';
import { newAccount, uniqueEmail } from './support/accounts';
import { withDb } from './support/db';

describe('register -> login -> me (the seed flow)', () => {
  it('registers an AI agent, logs in, and reads the profile with the seed field names', async () => {
    const email = uniqueEmail('agent');
    const reg = await call('/auth/register', {
      body: { email, password: 'correct horse', full_name: 'Research Agent', role: 'ai_client' },
    });
    expect(reg.status).toBe(201);
    expect(reg.body).toEqual({
      id: expect.stringMatching(/^usr_[0-9A-Za-z]{16}$/),
      email,
      full_name: 'Research Agent',
      role: 'ai_client',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });

    const login = await call('/auth/login', { body: { email, password: 'correct horse' } });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600 });

    const me = await call('/auth/me', { token: login.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ ...reg.body, balance: 0 });
  });

  it('registers a human client and a professional; a professional sees their profile', async () => {
    const client = await newAccount('client');
    expect((await call('/auth/me', { token: client.token })).body).toMatchObject({ role: 'client', balance: 0 });
    const pro = await newAccount('professional');
    const me = await call('/auth/me', { token: pro.token });
    expect(me.body.role).toBe('professional');
    expect(me.body.professional).toEqual({ verified: false, rating: null, completed_tasks: 0, payouts_enabled: false });
  });

  it('stores the email trimmed and lower-cased, and logs in with any casing', async () => {
    const email = uniqueEmail('mixed');
    const reg = await call('/auth/register', {
      body: { email: `  ${email.toUpperCase()}  `, password: 'password1', full_name: '  Mixed Case  ', role: 'client' },
    });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ email, full_name: 'Mixed Case' });
    const login = await call('/auth/login', { body: { email: ` ${email.toUpperCase()}`, password: 'password1' } });
    expect(login.status).toBe(200);
  });

  it('answers Agent@Example.com after agent@example.com with 409 EMAIL_TAKEN', async () => {
    const first = await call('/auth/register', {
      body: { email: 'agent@example.com', password: 'password1', full_name: 'A', role: 'ai_client' },
    });
    expect(first.status).toBe(201);
    const again = await call('/auth/register', {
      body: { email: 'Agent@Example.com', password: 'password2', full_name: 'B', role: 'client' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'EMAIL_TAKEN', request_id: again.headers.get('X-Request-Id') });
    // The first account is untouched: its password still works, the second's does not.
    expect((await call('/auth/login', { body: { email: 'agent@example.com', password: 'password1' } })).status).toBe(200);
    expect((await call('/auth/login', { body: { email: 'agent@example.com', password: 'password2' } })).status).toBe(401);
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await call('/auth/register', { body: '{"email": ', raw: true });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });
});

describe('registration validation: 400 VALIDATION_ERROR naming the field', () => {
  const valid = () => ({ email: uniqueEmail('v'), password: 'password1', full_name: 'Valid Name', role: 'ai_client' });
  const without = (field: string) => () => {
    const body: Record<string, unknown> = valid();
    delete body[field];
    return body;
  };
  const cases: [string, () => unknown, string][] = [
    ['missing email', without('email'), 'email'],
    ['missing password', without('password'), 'password'],
    ['missing full_name', without('full_name'), 'full_name'],
    ['missing role', without('role'), 'role'],
    ['a 7-character password', () => ({ ...valid(), password: 'abcdefg' }), 'password'],
    ['a 129-character password', () => ({ ...valid(), password: 'p'.repeat(129) }), 'password'],
    ['a bad email', () => ({ ...valid(), email: 'not-an-email' }), 'email'],
    ['an email with no domain dot', () => ({ ...valid(), email: 'agent@' }), 'email'],
    ['an empty full_name', () => ({ ...valid(), full_name: '   ' }), 'full_name'],
    ['a 101-character full_name', () => ({ ...valid(), full_name: 'n'.repeat(101) }), 'full_name'],
    ['an unknown role', () => ({ ...valid(), role: 'superuser' }), 'role'],
    ['role "admin"', () => ({ ...valid(), role: 'admin' }), 'role'],
    ['a role of the wrong type', () => ({ ...valid(), role: 3 }), 'role'],
    ['an extra id', () => ({ ...valid(), id: 'usr_mine' }), 'id'],
    ['an extra balance', () => ({ ...valid(), balance: 1000 }), 'balance'],
    ['an extra created_at', () => ({ ...valid(), created_at: '2020-01-01T00:00:00Z' }), 'created_at'],
  ];

  for (const [label, body, field] of cases) {
    it(`rejects ${label}`, async () => {
      const sent = body() as Record<string, unknown>;
      const res = await call('/auth/register', { body: sent });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
      expect(res.body.error.message).toContain(field);
      // Nothing was created.
      if (typeof sent.email === 'string') {
        const rows = await withDb((db) => db.select().from(users).where(eq(users.email, sent.email as string)));
        expect(rows).toHaveLength(0);
      }
    });
  }

  it('rejects a body that is not an object', async () => {
    const res = await call('/auth/register', { body: ['agent@example.com'] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('names every bad field at once', async () => {
    const res = await call('/auth/register', { body: { email: 'x', password: 'short', role: 'admin', balance: 5 } });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'password', 'full_name', 'role', 'balance']));
  });

  it('validates login bodies the same way', async () => {
    const missing = await call('/auth/login', { body: { email: 'agent@example.com' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: { path: string }) => d.path)).toContain('password');
    const extra = await call('/auth/login', { body: { email: 'agent@example.com', password: 'password1', role: 'admin' } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details.map((d: { path: string }) => d.path)).toContain('role');
  });
});

describe('login', () => {
  it('answers a wrong password and an unknown email with the same 401', async () => {
    const account = await newAccount();
    const wrong = await call('/auth/login', { body: { email: account.email, password: 'not-the-password' } });
    const unknown = await call('/auth/login', { body: { email: uniqueEmail('ghost'), password: 'not-the-password' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.code).toBe('UNAUTHORIZED');
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it('runs the KDF for an unknown email too: both failures take about the same time', async () => {
    const account = await newAccount();
    const time = async (email: string) => {
      const started = Date.now();
      const res = await call('/auth/login', { body: { email, password: 'not-the-password' } });
      expect(res.status).toBe(401);
      return Date.now() - started;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      wrong.push(await time(account.email));
      unknown.push(await time(uniqueEmail('ghost')));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
    // Without the dummy hash an unknown email would answer in a few ms against a KDF's tens to hundreds.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.5);
    expect(median(wrong)).toBeGreaterThan(median(unknown) * 0.5);
  });

  it('re-hashes a password stored with older parameters on the next successful login', async () => {
    const email = uniqueEmail('legacy');
    const oldHash = await hashPassword('legacy-password', { logN: 12, r: 8, p: 1 });
    const id = newId('usr');
    await withDb((db) => db.insert(users).values({ id, email, passwordHash: oldHash, fullName: 'Legacy', role: 'client' }));

    const readHash = async () => (await withDb((db) => db.select().from(users).where(eq(users.id, id))))[0]!.passwordHash;
    expect((await call('/auth/login', { body: { email, password: 'wrong-password' } })).status).toBe(401);
    expect(await readHash()).toBe(oldHash);

    expect((await call('/auth/login', { body: { email, password: 'legacy-password' } })).status).toBe(200);
    const upgraded = await readHash();
    expect(upgraded).not.toBe(oldHash);
    expect(upgraded).toMatch(/^scrypt\$14\$8\$5\$/);
    expect((await call('/auth/login', { body: { email, password: 'legacy-password' } })).status).toBe(200);
  });
});
