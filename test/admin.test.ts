import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '../src/db/schema';
import { ApiError } from '../src/lib/errors';
import { createAdmin } from '../src/services/admins';
import { issueAccessToken } from '../src/services/tokens';
import { call, env } from './support/api';
import { newAccount, uniqueEmail } from './support/accounts';
import { withDb } from './support/db';

/** What `npm run admin:create` does, run against the suite's database. */
const admin = (input: { email: string; password: string; promote?: boolean; fullName?: string }) =>
  withDb((db) => createAdmin(db, { fullName: 'Operator', promote: false, ...input }));

describe('admin accounts (npm run admin:create)', () => {
  it('creates an admin who can log in and is admin on /auth/me', async () => {
    const email = uniqueEmail('admin');
    const { user, outcome } = await admin({ email: `  ${email.toUpperCase()} `, password: 'admin-password-1' });
    expect(outcome).toBe('created');
    expect(user).toMatchObject({ email, role: 'admin', fullName: 'Operator' });
    expect(user.id).toMatch(/^usr_/);
    expect(user.passwordHash).toMatch(/^scrypt\$14\$8\$5\$/);

    const login = await call('/auth/login', { body: { email, password: 'admin-password-1' } });
    expect(login.status).toBe(200);
    const me = await call('/auth/me', { token: login.body.access_token });
    expect(me.body).toMatchObject({ id: user.id, role: 'admin', balance: 0 });
  });

  it('refuses an email that already has an account, and changes nothing', async () => {
    const existing = await newAccount('client');
    const attempt = admin({ email: existing.email, password: 'admin-password-1' });
    await expect(attempt).rejects.toThrow(/already has an account \(role client\).*--promote/);
    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    const [row] = await withDb((db) => db.select().from(users).where(eq(users.id, existing.id)));
    expect(row!.role).toBe('client');
    expect((await call('/auth/login', { body: { email: existing.email, password: existing.password } })).status).toBe(200);
  });

  it('with --promote, makes the account admin and sets the given password', async () => {
    const existing = await newAccount('client');
    const { user, outcome } = await admin({ email: existing.email, password: 'new-admin-password', promote: true });
    expect(outcome).toBe('promoted');
    expect(user).toMatchObject({ id: existing.id, role: 'admin' });
    expect((await call('/auth/me', { token: existing.token })).body.role).toBe('admin');
    // Admin rights come with a new sign-in: the token issued before the promotion keeps the role it was issued with.
    const verifyNobody = (token: string) => call('/api/v1/admin/professionals/usr_0000000000000000/verify', { token, body: {} });
    expect((await verifyNobody(existing.token)).status).toBe(403);
    expect((await call('/auth/login', { body: { email: existing.email, password: existing.password } })).status).toBe(401);
    const signedIn = await call('/auth/login', { body: { email: existing.email, password: 'new-admin-password' } });
    expect(signedIn.status).toBe(200);
    expect((await verifyNobody(signedIn.body.access_token)).status).toBe(404);
  });

  it('never trusts an admin claim alone: a token saying admin for an account that is not gets 403', async () => {
    const client = await newAccount('client');
    const { token } = await issueAccessToken(env, client.id, 'admin');
    const res = await call('/api/v1/admin/professionals/usr_0000000000000000/verify', { token, body: {} });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('applies the registration rules to email and password', async () => {
    await expect(admin({ email: 'not-an-email', password: 'admin-password-1' })).rejects.toThrow(/email/);
    await expect(admin({ email: uniqueEmail('admin'), password: 'short' })).rejects.toThrow(/password/);
  });
});
