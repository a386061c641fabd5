import { createRoute } from '@hono/zod-openapi';
import { errorResponses, json, signedIn } from '../../lib/openapi';
import { readMultipart } from '../../lib/multipart';
import type { Router } from '../../lib/router';
import { ApiError } from '../../lib/errors';
import { requireAuth } from '../../middleware/auth';
import { idempotency, IdempotencyKeyHeader } from '../../middleware/idempotency';
import { MAX_FILE_BYTES, uploadFile } from '../../services/files/files';
import { ACCEPTED_TYPES } from '../../services/files/media-types';
import { TaskIdParam } from '../../schemas/tasks';
import { FileSchema, toFileDto } from '../../schemas/files';

const route = createRoute({
  method: 'post',
  path: '/tasks/{id}/files',
  operationId: 'upload_file',
  tags: ['Files'],
  summary: 'Upload a file to a task (owner or assigned professional)',
  description:
    `multipart/form-data with one part named "file" (what an HTML form or \`curl -F file=@photo.jpg\` sends), at most ${MAX_FILE_BYTES / 1024 / 1024} MiB. ` +
    `Accepted: ${ACCEPTED_TYPES.join(', ')}; the bytes must match the declared type (415 otherwise). ` +
    'Attach the file to a submission or a message as { "file_id": "file_..." }. The task must be open, in_progress, submitted or disputed; at most 100 files per task.',
  security: signedIn,
  middleware: [requireAuth('ai_client', 'client', 'professional'), idempotency] as const,
  request: {
    params: TaskIdParam,
    headers: IdempotencyKeyHeader,
    body: {
      required: true,
      content: {
        // A plain schema (not zod), so the router documents the body without parsing it: the route reads the form itself.
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary', description: 'The file; its part\'s Content-Type and filename are its type and name.' } },
          },
          example: { file: '(the bytes of meter-reading.jpg)' },
        },
      },
    },
  },
  responses: { 201: json(FileSchema, 'The stored file'), ...errorResponses(401, 403, 404, 409, 413, 415, 422, 429) },
});

export function registerUploadFile(router: Router) {
  router.openapi(route, async (c) => {
    const form = await readMultipart(c);
    const extra = [...new Set(form.keys())].filter((name) => name !== 'file');
    const files = form.getAll('file');
    const file = files[0];
    if (extra.length > 0 || files.length !== 1 || typeof file === 'string' || file === undefined) {
      const details = [
        ...extra.map((name) => ({ path: name, message: 'This field is not accepted here.' })),
        ...(files.length === 1 && typeof file !== 'string' ? [] : [{ path: 'file', message: 'Exactly one file part named "file" is required.' }]),
      ];
      throw new ApiError('VALIDATION_ERROR', `Invalid request body: check ${details.map((d) => d.path).join(', ')}.`, { details });
    }
    const stored = await uploadFile(c.var.db, c.env, c.var.caller, c.req.valid('param').id, {
      name: file.name,
      declaredType: file.type,
      bytes: new Uint8Array(await file.arrayBuffer()),
    });
    return c.json(await toFileDto(c.env, new URL(c.req.url).origin, stored), 201);
  });
}
