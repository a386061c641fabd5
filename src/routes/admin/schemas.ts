import { z } from '@hono/zod-openapi';
import type { ProfessionalProfile } from '../../services/professionals';

export const UserIdParam = z.object({
  id: z.string().min(1).max(100).openapi({ param: { name: 'id', in: 'path' }, example: 'usr_pro456AbCdEfGhIj' }),
});

export const VerifyBody = z
  .strictObject({
    verified: z.boolean().default(true).openapi({ description: 'true (the default) verifies; false withdraws verification.' }),
  })
  .openapi('VerifyProfessionalRequest', { example: { verified: true } });

export const ProfessionalSchema = z
  .object({
    id: z.string(),
    full_name: z.string(),
    verified: z.boolean(),
    rating: z.number().nullable(),
    completed_tasks: z.number().int(),
  })
  .openapi('Professional', {
    example: { id: 'usr_pro456AbCdEfGhIj', full_name: 'Sarah Miller', verified: true, rating: 4.9, completed_tasks: 12 },
  });

export function toProfessionalDto(profile: ProfessionalProfile): z.infer<typeof ProfessionalSchema> {
  return {
    id: profile.user.id,
    full_name: profile.user.fullName,
    verified: profile.user.verified,
    rating: profile.rating,
    completed_tasks: profile.completedTasks,
  };
}
