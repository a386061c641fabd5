import type { Db } from '../db/client';
import { findUserByEmail, findUserById, findUserRole, insertUser, updatePasswordHash, type UserRow } from '../db/queries/users';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from './passwords';
import { consume, loginRules, release } from './rate-limits';
import { issueAccessToken } from './tokens';

export type SelfServiceRole = 'ai_client' | 'client' | 'professional';
export type Role = SelfServiceRole | 'admin';

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function registerAccount(
  db: Db,
  input: { email: string; password: string; fullName: string; role: Role },
): Promise<UserRow> {
  const user = await insertUser(db, {
    id: newId('usr'),
    email: normalizeEmail(input.email),
    passwordHash: await hashPassword(input.password),
    fullName: input.fullName.trim(),
    role: input.role,
  });
  if (!user) throw new ApiError('EMAIL_TAKEN', 'An account with this email already exists.');
  return user;
}

const BAD_CREDENTIALS = () => new ApiError('UNAUTHORIZED', 'Email or password is incorrect.');

/**
 * Checks credentials. An unknown email runs the KDF against a dummy hash, so both failures cost the same time
 * and give the same answer. A hash made with older parameters is replaced on a successful login.
 */
export async function authenticate(db: Db, email: string, password: string): Promise<UserRow> {
  const user = await findUserByEmail(db, normalizeEmail(email));
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) throw BAD_CREDENTIALS();
  if (needsRehash(user.passwordHash)) await updatePasswordHash(db, user.id, await hashPassword(password));
  return user;
}

/**
 * Login: failed attempts are limited per email and per client address. Each attempt takes a slot before the
 * KDF runs (a throttled attempt costs no hash, and parallel guesses cannot all pass the check); a successful
 * one gives its slot back, so only failures count.
 */
export async function signIn(
  db: Db,
  env: AppEnv,
  input: { email: string; password: string; ip: string },
): Promise<{ user: UserRow; token: string; expiresIn: number }> {
  const rules = await loginRules(env, normalizeEmail(input.email), input.ip);
  await consume(db, rules, 'Too many failed sign-in attempts.');
  const user = await authenticate(db, input.email, input.password);
  await release(db, rules);
  return { user, ...(await issueAccessToken(env, user.id, user.role)) };
}

export const accountGone = () => new ApiError('UNAUTHORIZED', 'This account no longer exists.');

export async function getAccount(db: Db, id: string): Promise<UserRow> {
  const user = await findUserById(db, id);
  if (!user) throw accountGone();
  return user;
}

/** The signed-in account's id and role, read fresh for every request (the columns auth needs, not the row). */
export async function getAccountRole(db: Db, id: string): Promise<{ id: string; role: UserRow['role'] }> {
  const user = await findUserRole(db, id);
  if (!user) throw accountGone();
  return user;
}
