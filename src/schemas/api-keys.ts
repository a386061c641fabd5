import { z } from '@hono/zod-openapi';
import { pathId } from '../lib/openapi';
import type { ApiKeyRow } from '../db/queries/api-keys';
import { centsToUsd, usdAmount } from '../lib/money';
import { pageSchema } from '../lib/pagination';
import { iso } from './auth';

/** A daily limit may be above one task's cap (several tasks a day), within what an integer cent column holds. */
export const MAX_DAILY_LIMIT_USD = 1_000_000;

export const CreateApiKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).openapi({ example: 'research-agent production', description: 'What the key is for.' }),
    max_task_amount: usdAmount()
      .nullable()
      .optional()
      .openapi({
        example: 20,
        description: 'USD. Calls made with this key may not post a task with a larger budget_amount, nor open a checkout for more (403 SPENDING_LIMIT). Omitted or null: no limit.',
      }),
    daily_limit: usdAmount(MAX_DAILY_LIMIT_USD)
      .nullable()
      .optional()
      .openapi({
        example: 100,
        description: `USD, at most ${MAX_DAILY_LIMIT_USD}. What calls made with this key may commit in any trailing 24 hours: per task, the larger of its budget and what the key put into checkouts for it (403 SPENDING_LIMIT past it). Omitted or null: no limit.`,
      }),
    mode: z.enum(['live', 'test']).optional().openapi({
      example: 'live',
      description: 'live (default): real tasks and money. test: a sandbox key (ghh_test_...), which sees and makes only test tasks, funded with test money and worked by a simulated professional.',
    }),
  })
  .openapi('CreateApiKeyRequest', { example: { name: 'research-agent production', max_task_amount: 20, daily_limit: 100 } });

const limit = (description: string) => z.number().nullable().openapi({ example: 20, description });
const maxTaskAmount = limit('USD; null when the key has no per-task limit.');
const livemode = z.boolean().openapi({ example: true, description: 'False for a test key (ghh_test_...): its calls act in the sandbox.' });
const dailyLimit = limit('USD per trailing 24 hours; null when the key has no daily limit.');

const id = z.string().openapi({ example: 'key_7Hq2LmN9pX4rT1vB' });
const prefix = z.string().openapi({ example: 'ghh_Ab12Cd34', description: 'The first characters of the key (ghh_ or ghh_test_ and 8 more), to tell keys apart.' });

const keyExample = {
  id: 'key_7Hq2LmN9pX4rT1vB',
  name: 'research-agent production',
  prefix: 'ghh_Ab12Cd34',
  created_at: '2026-03-04T00:00:00Z',
  max_task_amount: 20,
  daily_limit: 100,
  livemode: true,
};

export const ApiKeySchema = z
  .object({
    id,
    name: z.string(),
    prefix,
    created_at: z.string().openapi({ example: '2026-03-04T00:00:00Z' }),
    last_used_at: z
      .string()
      .nullable()
      .openapi({ example: '2026-03-05T11:30:00Z', description: 'Last request made with the key, to the minute; null if never used.' }),
    max_task_amount: maxTaskAmount,
    daily_limit: dailyLimit,
    livemode,
  })
  .openapi('ApiKey', { example: { ...keyExample, last_used_at: '2026-03-05T11:30:00Z' } });

export const CreatedApiKeySchema = z
  .object({
    id,
    name: z.string(),
    key: z.string().nullable().openapi({
      example: 'ghh_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90',
      description:
        'The secret. Shown only in this response; store it now. Send it as "Authorization: Bearer ghh_..." or "X-API-Key". Null on an Idempotency-Key replay: the secret is never stored.',
    }),
    prefix,
    created_at: z.string().openapi({ example: '2026-03-04T00:00:00Z' }),
    max_task_amount: maxTaskAmount,
    daily_limit: dailyLimit,
    livemode,
  })
  .openapi('CreatedApiKey', { example: { ...keyExample, key: 'ghh_Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90' } });

export const ApiKeyListSchema = pageSchema(ApiKeySchema, 'ApiKeyList');

export const ApiKeyIdParam = z.object({ id: pathId('id', 'key', 'API key not found.', 'key_7Hq2LmN9pX4rT1vB') });

export function toApiKey(row: ApiKeyRow): z.infer<typeof ApiKeySchema> {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    created_at: iso(row.createdAt),
    last_used_at: row.lastUsedAt ? iso(row.lastUsedAt) : null,
    max_task_amount: row.maxTaskCents === null ? null : centsToUsd(row.maxTaskCents),
    daily_limit: row.dailyLimitCents === null ? null : centsToUsd(row.dailyLimitCents),
    livemode: row.livemode,
  };
}
