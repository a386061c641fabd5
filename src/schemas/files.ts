/** Schemas of the file routes and tools (services/files holds the rules). */
import { z } from '@hono/zod-openapi';
import type { TaskFileRow } from '../db/queries/task-files';
import { FILE_KINDS } from '../db/schema';
import type { AppEnv } from '../env';
import { pathId } from '../lib/openapi';
import { PageQuery, pageSchema } from '../lib/pagination';
import { iso } from '../lib/time';
import { signDownloadLink } from '../services/files/download-links';
import { ACCEPTED_TYPES } from '../services/files/media-types';

export const FileIdParam = z.object({ id: pathId('id', 'file', 'File not found.', 'file_9rT2wQ4mZ7pL1xVb') });

export const FILE_EXAMPLE = {
  id: 'file_9rT2wQ4mZ7pL1xVb',
  object: 'file' as const,
  task_id: 'task_xyz789AbCdEfGhIj',
  name: 'meter-reading.jpg',
  content_type: 'image/jpeg',
  kind: 'photo' as const,
  size: 284_113,
  sha256: '9f2c1e0b7a4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b',
  uploaded_by: 'usr_pro456AbCdEfGhIj',
  created_at: '2026-03-05T11:20:00Z',
  url: 'https://api.gohirehumans.com/api/v1/files/file_9rT2wQ4mZ7pL1xVb/content?expires=1772710800&signature=Qm9vdHN0cmFwIHNpZ25hdHVyZSBmb3IgZXhhbXBsZQx',
  url_expires_at: '2026-03-05T12:20:00Z',
};

export const FileSchema = z
  .object({
    id: z.string().openapi({ example: FILE_EXAMPLE.id }),
    object: z.literal('file'),
    task_id: z.string(),
    name: z.string().openapi({ description: 'The uploaded name, without any path, at most 255 characters.' }),
    content_type: z.string().openapi({ description: `One of ${ACCEPTED_TYPES.join(', ')}; checked against the bytes on upload.` }),
    kind: z.enum(FILE_KINDS).openapi({ description: 'What it counts as for required_evidence: photo, document or audio.' }),
    size: z.number().int().openapi({ description: 'Bytes.' }),
    sha256: z.string().openapi({ description: 'Hex SHA-256 of the bytes.' }),
    uploaded_by: z.string().openapi({ description: 'The account that uploaded it (the owner or the assigned professional).' }),
    created_at: z.string().openapi({ format: 'date-time' }),
    url: z.string().openapi({
      description: 'A signed download link: GET it without credentials until url_expires_at (an <img> src works). Read the file again for a fresh one.',
    }),
    url_expires_at: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('File', { example: FILE_EXAMPLE });

export type FileDto = z.infer<typeof FileSchema>;

export const FilePageSchema = pageSchema(FileSchema, 'FilePage');

export const FileListQuery = PageQuery;

/** GET /files/{id}/content: a signed link's two parameters (both, or neither and a credential). */
export const DownloadQuery = z.object({
  expires: z.string().max(20).optional().openapi({ param: { name: 'expires', in: 'query' }, description: "A signed link's expiry (unix seconds).", example: '1772710800' }),
  signature: z
    .string()
    .max(100)
    .optional()
    .openapi({ param: { name: 'signature', in: 'query' }, description: "A signed link's signature.", example: 'Qm9vdHN0cmFwIHNpZ25hdHVyZSBmb3IgZXhhbXBsZQx' }),
});

export async function toFileDto(env: AppEnv, origin: string, file: TaskFileRow): Promise<FileDto> {
  const link = await signDownloadLink(env, origin, file.id);
  return {
    id: file.id,
    object: 'file',
    task_id: file.taskId,
    name: file.name,
    content_type: file.contentType,
    kind: file.kind,
    size: file.sizeBytes,
    sha256: file.sha256,
    uploaded_by: file.uploadedBy,
    created_at: iso(file.createdAt),
    url: link.url,
    url_expires_at: iso(link.expiresAt),
  };
}
