/** File tools: the same service, schemas and roles as POST/GET /api/v1/tasks/{id}/files and GET /api/v1/files/{id}. */
import { z } from '@hono/zod-openapi';
import { ApiError } from '../../lib/errors';
import { page } from '../../lib/pagination';
import { FileListQuery, FilePageSchema, FileSchema, toFileDto, type FileDto } from '../../schemas/files';
import { TaskId } from '../../schemas/tasks';
import { getFile, listFiles, uploadFile } from '../../services/files/files';
import { ACCEPTED_TYPES } from '../../services/files/media-types';
import { defineTool, type ToolContext } from '../tool';

/**
 * The largest file a tool call carries. Its base64 travels inside one JSON-RPC message (the /mcp body cap is 1 MiB),
 * so tools take small files: a screenshot, a short text; larger ones go through the REST upload (10 MiB).
 */
export const MAX_TOOL_FILE_BYTES = 512 * 1024;
const MAX_BASE64_LENGTH = Math.ceil(MAX_TOOL_FILE_BYTES / 3) * 4;

const taskId = TaskId.meta({ description: 'The task id (task_...).' });

const line = (f: FileDto) => `${f.id} ${f.name} (${f.content_type}, ${f.size} bytes, ${f.kind}) uploaded by ${f.uploaded_by} at ${f.created_at}`;

function decodeBase64(text: string): Uint8Array {
  try {
    return Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));
  } catch {
    throw new ApiError('VALIDATION_ERROR', 'content_base64: Not valid base64.', { details: [{ path: 'content_base64', message: 'Not valid base64.' }] });
  }
}

const UploadArguments = z.strictObject({
  task_id: taskId,
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
    .meta({ description: `The bytes, base64-encoded; at most ${MAX_TOOL_FILE_BYTES / 1024} KiB of file.`, examples: ['JVBERi0xLjQK'] }),
});

export const uploadFileTool = defineTool({
  name: 'upload_file',
  title: 'Upload a file to a task',
  description:
    `Upload a small file (at most ${MAX_TOOL_FILE_BYTES / 1024} KiB, base64) to a task you own: reference material for the professional (a photo of the item, a floor plan, a script). ` +
    `Accepted: ${ACCEPTED_TYPES.join(', ')}; the bytes must match the type. The task must be open, in_progress, submitted or disputed. ` +
    'Attach it to a message with send_message attachments: [{ "file_id": "file_..." }].',
  roles: ['ai_client', 'client', 'professional'],
  operation: 'POST /api/v1/tasks/{id}/files',
  input: UploadArguments,
  output: FileSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(ctx, { task_id, name, content_type, content_base64 }) {
    const bytes = decodeBase64(content_base64);
    const stored = await uploadFile(ctx.db, ctx.env, ctx.caller, task_id, { name, declaredType: content_type ?? '', bytes });
    const file = await toFileDto(ctx.env, ctx.origin, stored);
    return { result: file, summary: `Uploaded ${line(file)}. Download link (1 hour): ${file.url}` };
  },
});

export const listFilesTool = defineTool({
  name: 'list_files',
  title: "List a task's files",
  description:
    "A task's uploaded files, oldest first: what you uploaded and the professional's evidence. Each has a signed download url valid for one hour (no credentials needed). " +
    'Page with limit (1..100, default 20) and offset.',
  roles: [],
  operation: 'GET /api/v1/tasks/{id}/files',
  input: FileListQuery.safeExtend({ task_id: taskId }),
  output: FilePageSchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(ctx: ToolContext, { task_id, limit, offset }) {
    const { rows, total } = await listFiles(ctx.db, ctx.caller, task_id, limit, offset);
    const files = await Promise.all(rows.map((row) => toFileDto(ctx.env, ctx.origin, row)));
    const more = offset + files.length < total;
    return {
      result: page(files, total, limit, offset),
      summary: [`${files.length} of ${total} files${more ? '; more follow (raise offset)' : ''}.`, ...files.map(line)].join('\n'),
    };
  },
});

export const getFileTool = defineTool({
  name: 'get_file',
  title: 'Read a file',
  description: "One file's metadata and a fresh signed download url (valid one hour, no credentials needed). A submission's attachment names its file_id.",
  roles: [],
  operation: 'GET /api/v1/files/{id}',
  input: z.strictObject({ file_id: z.string().min(1).max(100).meta({ description: 'The file id (file_...).', examples: ['file_9rT2wQ4mZ7pL1xVb'] }) }),
  output: FileSchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(ctx, { file_id }) {
    const file = await toFileDto(ctx.env, ctx.origin, await getFile(ctx.db, ctx.caller, file_id));
    return { result: file, summary: `${line(file)}. Download link (1 hour): ${file.url}` };
  },
});
