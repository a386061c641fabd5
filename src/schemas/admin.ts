import { z } from '@hono/zod-openapi';
import { pathId } from '../lib/openapi';
import { centsToUsd, usdAmount } from '../lib/money';
import { iso } from '../lib/time';
import type { BalanceReturn } from '../services/payments/balance';
import type { ProfessionalProfile } from '../services/professionals';

/** The two admin routes on users answer an unknown id in their own words, so a malformed one gets the same. */
export const ProfessionalIdParam = z.object({ id: pathId('id', 'usr', 'Professional not found.', 'usr_pro456AbCdEfGhIj') });
export const UserIdParam = z.object({ id: pathId('id', 'usr', 'User not found.', 'usr_abc123AbCdEfGhIj') });

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

export const BalanceReturnBody = z
  .strictObject({
    // A balance is not capped per task; the service refuses anything over what the user's balance holds.
    amount: usdAmount(10_000_000).openapi({ example: 64, description: 'US dollars returned; at most the user\'s available balance.' }),
    note: z.string().trim().min(1).max(500).openapi({
      example: 'Bank transfer ref. 2026-03-14-0087 after the card refund failed',
      description: 'How the money was returned; the user reads it in their transactions.',
    }),
  })
  .openapi('BalanceReturnRequest', { example: { amount: 64, note: 'Bank transfer ref. 2026-03-14-0087 after the card refund failed' } });

export const BalanceReturnSchema = z
  .object({
    id: z.string().openapi({ example: 'txn_5Rt8kQ2mN7pL1xVa', description: 'The ledger transaction that records the return.' }),
    user_id: z.string().openapi({ example: 'usr_abc123AbCdEfGhIj' }),
    amount: z.number().openapi({ example: 64 }),
    currency: z.literal('usd'),
    note: z.string(),
    available_balance: z.number().openapi({ example: 0, description: "The user's available balance after the return, in USD." }),
    created_at: z.string().openapi({ example: '2026-03-14T10:00:00Z', format: 'date-time' }),
  })
  .openapi('BalanceReturn', {
    example: {
      id: 'txn_5Rt8kQ2mN7pL1xVa',
      user_id: 'usr_abc123AbCdEfGhIj',
      amount: 64,
      currency: 'usd',
      note: 'Bank transfer ref. 2026-03-14-0087 after the card refund failed',
      available_balance: 0,
      created_at: '2026-03-14T10:00:00Z',
    },
  });

export const toBalanceReturnDto = (r: BalanceReturn): z.infer<typeof BalanceReturnSchema> => ({
  id: r.transactionId,
  user_id: r.userId,
  amount: centsToUsd(r.amountCents),
  currency: 'usd',
  note: r.note,
  available_balance: centsToUsd(r.availableCents),
  created_at: iso(r.createdAt),
});
