import { z } from '@hono/zod-openapi';
import type { CallbackSecretRow } from '../db/queries/webhook-endpoints';
import { previousSecretExpiresAt } from './webhook-endpoints';

export const CallbackSecretSchema = z
  .object({
    secret: z.string().openapi({
      example: 'whsec_Lm3Xv8Qa1Rk7sN2pZ9fK4mQ7pL1xVa3R',
      description: "Signs every delivery to the account's tasks' callback_url from now on. Also returned by POST /api/v1/tasks with a callback_url.",
    }),
    previous_secret_expires_at: z.string().nullable().openapi({
      example: '2026-03-11T17:00:00Z',
      format: 'date-time',
      description: 'Until this moment callbacks also carry a v1 signature made with the replaced secret. Null when only the new secret signs.',
    }),
  })
  .openapi('CallbackSecret', {
    example: { secret: 'whsec_Lm3Xv8Qa1Rk7sN2pZ9fK4mQ7pL1xVa3R', previous_secret_expires_at: '2026-03-11T17:00:00Z' },
  });

export const toCallbackSecret = (row: CallbackSecretRow): z.infer<typeof CallbackSecretSchema> => ({
  secret: row.secret,
  previous_secret_expires_at: previousSecretExpiresAt(row),
});
