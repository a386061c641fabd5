import { z } from '@hono/zod-openapi';
import type { ApiKeyRow } from '../../db/queries/api-keys';
import { pageSchema } from '../../lib/pagination';
import { iso } from '../auth/schemas';

export const CreateApiKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).openapi({ example: 'research-agent production', description: 'What the key is for.' }),
  })
  .openapi('CreateApiKeyRequest');

const id = z.string().openapi({ example: 'key_7Hq2LmN9pX4rT1vB' });
const prefix = z.string().openapi({ example: 'ghh_Ab12Cd34', description: 'The first characters of the key, to tell keys apart.' });

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
  })
  .openapi('ApiKey');

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
  })
  .openapi('CreatedApiKey');

export const ApiKeyListSchema = pageSchema(ApiKeySchema, 'ApiKeyList');

export const ApiKeyIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'key_7Hq2LmN9pX4rT1vB' }),
});

export function toApiKey(row: ApiKeyRow): z.infer<typeof ApiKeySchema> {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    created_at: iso(row.createdAt),
    last_used_at: row.lastUsedAt ? iso(row.lastUsedAt) : null,
  };
}
