/**
 * Admin accounts are never self-assigned: they are made by an operator with `npm run admin:create`
 * (src/node/admin-create.ts), which calls this. An email that already has an account is refused unless the
 * operator asks to promote it, which makes it admin and sets the given password (so whoever runs the command
 * knows the admin's credentials, and the previous owner's password stops working).
 */
import * as z from 'zod';
import type { Db } from '../db/client';
import { findUserByEmail, updateRoleAndPassword, type UserRow } from '../db/queries/users';
import { ApiError } from '../lib/errors';
import { normalizeEmail, registerAccount } from './accounts';
import { hashPassword } from './passwords';

export interface AdminInput {
  email: string;
  password: string;
  fullName: string;
  /** Allow turning an existing account into an admin (and resetting its password). */
  promote: boolean;
}

const AdminFields = z.object({
  email: z.email().max(254),
  password: z.string().min(8).max(128),
  fullName: z.string().trim().min(1).max(100),
});

export async function createAdmin(db: Db, input: AdminInput): Promise<{ user: UserRow; outcome: 'created' | 'promoted' }> {
  const email = normalizeEmail(input.email);
  const checked = AdminFields.safeParse({ ...input, email });
  if (!checked.success) {
    const details = checked.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new ApiError('VALIDATION_ERROR', `Invalid admin: check ${details.map((d) => d.path).join(', ')}.`, { details });
  }
  const existing = await findUserByEmail(db, email);
  if (!existing) {
    const user = await registerAccount(db, { email, password: input.password, fullName: input.fullName, role: 'admin' });
    return { user, outcome: 'created' };
  }
  if (!input.promote) {
    const what = existing.role === 'admin' ? 'is already an admin' : `already has an account (role ${existing.role})`;
    throw new ApiError('EMAIL_TAKEN', `${email} ${what}. Re-run with --promote to make it admin and set this password.`);
  }
  const user = await updateRoleAndPassword(db, existing.id, 'admin', await hashPassword(input.password));
  return { user, outcome: 'promoted' };
}
