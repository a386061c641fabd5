import type { Db } from '../db/client';
import { setProfessionalVerified } from '../db/queries/professionals';
import { countCompletedTasks } from '../db/queries/tasks';
import type { UserRow } from '../db/queries/users';
import { notFound } from '../lib/errors';

/** Average of client ratings to one decimal (the seed shows 4.9), or null before the first rating. */
export function averageRating(ratingSum: number, ratingCount: number): number | null {
  return ratingCount > 0 ? Math.round((ratingSum / ratingCount) * 10) / 10 : null;
}

/**
 * The name clients see on a task: first name and last initial ("Sarah Miller" -> "Sarah M.", as the seed shows),
 * so an agent learns who does the work without the platform handing out full names.
 */
export function displayName(fullName: string): string {
  const parts = fullName.trim().split(/\s+/).filter(Boolean);
  if (parts.length < 2) return parts[0] ?? '';
  const initial = Array.from(parts[parts.length - 1]!)[0]!.toUpperCase();
  return `${parts[0]} ${initial}.`;
}

export interface ProfessionalProfile {
  user: UserRow;
  rating: number | null;
  completedTasks: number;
}

/** Admin-only: marks a professional verified (or not). Until Connect onboarding exists this is the only way. */
export async function setVerification(db: Db, professionalId: string, verified: boolean): Promise<ProfessionalProfile> {
  const user = await setProfessionalVerified(db, professionalId, verified);
  if (!user) throw notFound('Professional');
  return { user, rating: averageRating(user.ratingSum, user.ratingCount), completedTasks: await countCompletedTasks(db, user.id) };
}
