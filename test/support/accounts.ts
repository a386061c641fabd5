/** Every test makes its own accounts, so no test depends on another's data. */
import { eq } from 'drizzle-orm';
import { tasks, users } from '../../src/db/schema';
import { newId, randomString } from '../../src/lib/ids';
import { createAdmin } from '../../src/services/admins';
import { call } from './api';
import { withDb } from './db';

export type TestRole = 'ai_client' | 'client' | 'professional';

export interface TestAccount {
  id: string;
  email: string;
  password: string;
  role: TestRole | 'admin';
  token: string;
}

export const uniqueEmail = (label = 'user') => `${label}-${randomString(10).toLowerCase()}@example.test`;

export async function newAccount(role: TestRole = 'ai_client', fullName = 'Test Account'): Promise<TestAccount> {
  const email = uniqueEmail(role);
  const password = `pw-${randomString(12)}`;
  const reg = await call('/auth/register', { body: { email, password, full_name: fullName, role } });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${reg.text}`);
  const login = await call('/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
  return { id: reg.body.id, email, password, role, token: login.body.access_token };
}

/** A professional the platform has verified (what the admin route or Stripe Connect would do). */
export async function newVerifiedProfessional(fullName = 'Sarah M.'): Promise<TestAccount> {
  const account = await newAccount('professional', fullName);
  await withDb((db) => db.update(users).set({ verified: true }).where(eq(users.id, account.id)));
  return account;
}

/** Admins are never self-assigned; the harness makes one through the service `npm run admin:create` calls. */
export async function newAdmin(): Promise<TestAccount> {
  const email = uniqueEmail('admin');
  const password = `pw-${randomString(12)}`;
  const { user } = await withDb((db) => createAdmin(db, { email, password, fullName: 'Admin', promote: false }));
  const login = await call('/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${login.text}`);
  return { id: user.id, email, password, role: 'admin', token: login.body.access_token };
}

/** A user row without credentials, for tests that need an owner but never log in (no password hashing, so fast). */
export async function newUserRecord(role: TestRole = 'client'): Promise<{ id: string; email: string }> {
  const id = newId('usr');
  const email = uniqueEmail(role);
  await withDb((db) => db.insert(users).values({ id, email, passwordHash: 'unusable', fullName: 'Ledger Test', role }));
  return { id, email };
}

/** A task row for tests of the ledger and Stripe calls, which need a real task (foreign keys) but not its lifecycle. */
export async function newTaskRecord(clientId: string): Promise<string> {
  const id = newId('task');
  await withDb((db) =>
    db.insert(tasks).values({
      id,
      clientId,
      title: 'Ledger test task',
      description: 'A task row for a ledger test.',
      category: 'research_analysis',
      locationType: 'remote',
      budgetCents: 1500,
      budgetType: 'fixed',
    }),
  );
  return id;
}
