/** Files on a task (reference material, evidence): operations at /api/v1/tasks/{id}/files and /api/v1/files, and MCP tools. */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppBindings } from '../context';
import { ApiError } from '../lib/errors';
import { readMultipart } from '../lib/multipart';
import { page } from '../lib/pagination';
import { FileIdParam, FileListQuery, FilePageSchema, FileSchema, toFileDto, type FileDto } from '../schemas/files';
import { TaskIdParam } from '../schemas/tasks';
import { getFile, listFiles, MAX_FILE_BYTES, uploadFile } from '../services/files/files';
import { ACCEPTED_TYPES } from '../services/files/media-types';
import { defineOperation } from './operation';
import { TASK_ID_ARG } from './tasks';

/**
 * The largest file a tool call carries. Its base64 travels inside one JSON-RPC message (the /mcp body cap is 1 MiB),
 * so tools take small files: a screenshot, a short text; larger ones go through the REST upload (10 MiB).
 */
export const MAX_TOOL_FILE_BYTES = 512 * 1024;
const MAX_BASE64_LENGTH = Math.ceil(MAX_TOOL_FILE_BYTES / 3) * 4;

const line = (f: FileDto) => `${f.id} ${f.name} (${f.content_type}, ${f.size} bytes, ${f.kind}) uploaded by ${f.uploaded_by} at ${f.created_at}`;

/**
 * An upload as a tool sends it: name, type and the bytes in base64. Validated, `content_base64` is the bytes
 * themselves, which is what the REST form's file part reads into as well, so the operation sees one shape.
 */
const UploadBody = z.strictObject({
  name: z.string().min(1).max(255).meta({ description: 'The file name, e.g. floor-plan.pdf; its extension names the type when content_type is left out.', examples: ['floor-plan.pdf'] }),
  content_type: z
    .string()
    .max(100)
    .optional()
    .meta({ description: `The type: ${ACCEPTED_TYPES.join(', ')}. Checked against the bytes.`, examples: ['application/pdf'] }),
  content_base64: z
    .string()
    .min(1)
    .max(MAX_BASE64_LENGTH)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'Must be base64 (A-Z, a-z, 0-9, +, /, = padding), without line breaks.')
    .transform((text, ctx): Uint8Array => {
      try {
        return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'Not valid base64.' });
        return z.NEVER;
      }
    })
    .meta({ description: `The bytes, base64-encoded; at most ${MAX_TOOL_FILE_BYTES / 1024} KiB of file.`, examples: ['JVBERi0xLjQK'] }),
});

/** The REST form: exactly one part named "file", whose Content-Type and filename are the type and name. */
async function readUploadForm(c: Context<AppBindings>): Promise<z.output<typeof UploadBody>> {
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
  return { name: file.name, content_type: file.type, content_base64: new Uint8Array(await file.arrayBuffer()) };
}

export const uploadFileOperation = defineOperation({
  name: 'upload_file',
  method: 'post',
  path: '/tasks/{id}/files',
  roles: ['ai_client', 'client', 'professional'],
  idempotent: true,
  params: TaskIdParam,
  body: UploadBody,
  output: FileSchema,
  status: 201,
  async run(ctx, { params, body }) {
    const stored = await uploadFile(ctx.db, ctx.env, ctx.caller, params.id, {
      name: body.name,
      declaredType: body.content_type ?? '',
      bytes: body.content_base64,
    });
    return toFileDto(ctx.env, ctx.origin, stored);
  },
  rest: {
    tags: ['Files'],
    summary: 'Upload a file to a task (owner or assigned professional)',
    description:
      `multipart/form-data with one part named "file" (what an HTML form or \`curl -F file=@photo.jpg\` sends), at most ${MAX_FILE_BYTES / 1024 / 1024} MiB. ` +
      `Accepted: ${ACCEPTED_TYPES.join(', ')}; the bytes must match the declared type (415 otherwise). ` +
      'Attach the file to a submission or a message as { "file_id": "file_..." }. The task must be open, in_progress, submitted or disputed; at most 100 files per task.',
    outputDescription: 'The stored file',
    errors: [404, 409, 413, 415],
    nonJsonBody: {
      content: {
        // A plain schema (not zod), so the router documents the body without parsing it: the route reads the form itself.
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary', description: "The file; its part's Content-Type and filename are its type and name." } },
          },
          example: { file: '(the bytes of meter-reading.jpg)' },
        },
      },
      read: readUploadForm,
    },
  },
  mcp: {
    title: 'Upload a file to a task',
    description:
      `Upload a small file (at most ${MAX_TOOL_FILE_BYTES / 1024} KiB, base64) to a task you own: reference material for the professional (a photo of the item, a floor plan, a script). ` +
      `Accepted: ${ACCEPTED_TYPES.join(', ')}; the bytes must match the type. The task must be open, in_progress, submitted or disputed. ` +
      'Attach it to a message with send_message attachments: [{ "file_id": "file_..." }].',
    pathArgs: TASK_ID_ARG,
    annotations: { openWorldHint: true },
    summary: (file) => `Uploaded ${line(file)}. Download link (1 hour): ${file.url}`,
  },
});

export const listFilesOperation = defineOperation({
  name: 'list_files',
  method: 'get',
  path: '/tasks/{id}/files',
  roles: 'any',
  idempotent: false,
  params: TaskIdParam,
  query: FileListQuery,
  output: FilePageSchema,
  status: 200,
  async run(ctx, { params, query: { limit, offset } }) {
    const { rows, total } = await listFiles(ctx.db, ctx.caller, params.id, limit, offset);
    const files = await Promise.all(rows.map((row) => toFileDto(ctx.env, ctx.origin, row)));
    return page(files, total, limit, offset);
  },
  rest: {
    tags: ['Files'],
    summary: "A task's files",
    description: 'Oldest first, each with a signed download link (url, valid one hour). Visible to whoever can read the task.',
    outputDescription: 'A page of files',
    errors: [404],
  },
  mcp: {
    title: "List a task's files",
    description:
      "A task's uploaded files, oldest first: what you uploaded and the professional's evidence. Each has a signed download url valid for one hour (no credentials needed). " +
      'Page with limit (1..100, default 20) and offset.',
    pathArgs: TASK_ID_ARG,
    annotations: { openWorldHint: false },
    summary: (files) =>
      [`${files.data.length} of ${files.total} files${files.has_more ? '; more follow (raise offset)' : ''}.`, ...files.data.map(line)].join('\n'),
  },
});

export const getFileOperation = defineOperation({
  name: 'get_file',
  method: 'get',
  path: '/files/{id}',
  roles: 'any',
  idempotent: false,
  params: FileIdParam,
  output: FileSchema,
  status: 200,
  run: async (ctx, { params }) => toFileDto(ctx.env, ctx.origin, await getFile(ctx.db, ctx.caller, params.id)),
  rest: {
    tags: ['Files'],
    summary: 'Read a file',
    description: "The file's metadata and a fresh signed download link (url, valid one hour). Visible to whoever can read its task; anyone else gets 404.",
    outputDescription: 'The file',
    errors: [404],
  },
  mcp: {
    title: 'Read a file',
    description: "One file's metadata and a fresh signed download url (valid one hour, no credentials needed). A submission's attachment names its file_id.",
    pathArgs: { id: { name: 'file_id', schema: z.string().min(1).max(100).meta({ description: 'The file id (file_...).', examples: ['file_9rT2wQ4mZ7pL1xVb'] }) } },
    annotations: { openWorldHint: false },
    summary: (file) => `${line(file)}. Download link (1 hour): ${file.url}`,
  },
});
