/**
 * Attachments of submissions and messages: a link to elsewhere ({ name, url }) is kept as given; a reference to an
 * uploaded file ({ file_id, name? }) must name a file of the same task uploaded by the author, and is stored with
 * the file's name, type, size and content URL. The URL stored is the file's stable content URL on this API
 * (fetched with the same credentials that read the task), not a signed link: a deliverable, a message and the
 * webhook events carrying them outlive any expiring link. GET /api/v1/files/{id} gives a signed one when needed.
 */
import { findOwnTaskFiles } from '../../db/queries/task-files';
import type { Db, Tx } from '../../db/client';
import type { Attachment } from '../../db/schema';
import { ApiError } from '../../lib/errors';
import { contentPath } from './download-links';

export type AttachmentInput = { name: string; url: string } | { file_id: string; name?: string };

const isFileReference = (a: AttachmentInput): a is { file_id: string; name?: string } => 'file_id' in a;

/**
 * The attachments as stored. An unknown file id, another task's file or another account's is one and the same 400
 * naming the attachment: the caller can see the task, and learns nothing about files that are not theirs.
 */
export async function resolveAttachments(
  db: Db | Tx,
  authorId: string,
  taskId: string,
  /** The API's origin, for the content URL; without one (a service called outside a request) the URL is a path. */
  origin: string | undefined,
  input: AttachmentInput[],
): Promise<Attachment[]> {
  const ids = [...new Set(input.filter(isFileReference).map((a) => a.file_id))];
  const files = new Map((await findOwnTaskFiles(db, taskId, authorId, ids)).map((f) => [f.id, f]));
  const missing = input.flatMap((a, i) => (isFileReference(a) && !files.has(a.file_id) ? [i] : []));
  if (missing.length > 0) {
    const message = 'No file with this id was uploaded by you to this task (POST /api/v1/tasks/{id}/files first).';
    throw new ApiError('VALIDATION_ERROR', `attachments: ${message}`, { details: missing.map((i) => ({ path: `attachments.${i}.file_id`, message })) });
  }
  return input.map((a) => {
    if (!isFileReference(a)) return { name: a.name, url: a.url };
    const file = files.get(a.file_id)!;
    return { name: a.name ?? file.name, url: `${origin ?? ''}${contentPath(file.id)}`, file_id: file.id, content_type: file.contentType, size: file.sizeBytes };
  });
}
