import { z } from '@hono/zod-openapi';
import type { UserRow } from '../db/queries/users';

export const RegisterBody = z
  .strictObject({
    email: z.string().trim().toLowerCase().pipe(z.email().max(254)).openapi({ example: 'agent@example.com', format: 'email' }),
    password: z.string().min(8).max(128).openapi({ example: 'correct horse battery staple' }),
    full_name: z.string().trim().min(1).max(100).openapi({ example: 'Research Agent' }),
    role: z.enum(['ai_client', 'client', 'professional']).openapi({
      description: '"ai_client" for AI agents, "client" for human clients, "professional" for people who do tasks.',
    }),
  })
  .openapi('RegisterRequest', {
    example: { email: 'agent@example.com', password: 'correct horse battery staple', full_name: 'Research Agent', role: 'ai_client' },
  });

export const LoginBody = z
  .strictObject({
    email: z.string().min(1).max(254).openapi({ example: 'agent@example.com' }),
    password: z.string().min(1).max(128),
  })
  .openapi('LoginRequest', { example: { email: 'agent@example.com', password: 'correct horse battery staple' } });

export const TokenSchema = z
  .object({
    access_token: z.string().openapi({ example: 'eyJhbGciOiJIUzI1NiIsImtpZCI6...' }),
    token_type: z.literal('bearer'),
    expires_in: z.number().int().openapi({ example: 3600, description: 'Seconds until the token expires.' }),
  })
  .openapi('AccessToken', { example: { access_token: 'eyJhbGciOiJIUzI1NiIsImtpZCI6...', token_type: 'bearer', expires_in: 3600 } });

const Role = z.enum(['ai_client', 'client', 'professional', 'admin']);

const registered = {
  id: 'usr_abc123DEF456ghi7',
  email: 'agent@example.com',
  full_name: 'Research Agent',
  role: 'ai_client' as const,
  created_at: '2026-03-04T00:00:00Z',
};

export const RegisteredUserSchema = z
  .object({
    id: z.string().openapi({ example: 'usr_abc123DEF456ghi7' }),
    email: z.string(),
    full_name: z.string(),
    role: Role,
    created_at: z.string().openapi({ example: '2026-03-04T00:00:00Z' }),
  })
  .openapi('RegisteredUser', { example: registered });

export const ProfessionalProfileSchema = z
  .object({
    verified: z.boolean(),
    rating: z.number().nullable().openapi({ description: 'Average of client ratings (1..5), null before the first.' }),
    completed_tasks: z.number().int(),
    payouts_enabled: z.boolean(),
  })
  .openapi('ProfessionalProfile', { example: { verified: true, rating: 4.9, completed_tasks: 12, payouts_enabled: true } });

export const MeSchema = RegisteredUserSchema.extend({
  balance: z.number().openapi({ example: 0, description: 'Available balance in USD.' }),
  professional: ProfessionalProfileSchema.optional(),
}).openapi('Me', { example: { ...registered, balance: 125 } });

export const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function toRegisteredUser(user: UserRow): z.infer<typeof RegisteredUserSchema> {
  return { id: user.id, email: user.email, full_name: user.fullName, role: user.role, created_at: iso(user.createdAt) };
}
