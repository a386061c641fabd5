/**
 * Evidence files uploaded to a task. The bytes go to R2 (the FILES binding) under files/<id>, the metadata to
 * task_files; the row is written only once the bytes are stored, so every row names an object that exists.
 *
 * - Who uploads: the task's owner (reference material: a photo of the item to inspect) and its assigned professional
 *   (evidence of the work). A verified professional who can only see the listed task may ask about it in a message
 *   but not upload: files need a relation to the task beyond reading it, or any professional could fill any listed
 *   task with files.
 * - When: while the task takes messages (open, in_progress, submitted, disputed); completed and canceled tasks keep
 *   their files readable but take no more.
 * - Who reads: whoever can read the task (GET /api/v1/tasks/{id}, access.ts). Every file on a task was uploaded by
 *   its owner or its assignee, so this is exactly the people the task is shared with.
 */
import type { Caller } from '../../context';
import type { Db } from '../../db/client';
import { countTaskFiles, findTaskFile, insertTaskFile, listTaskFiles, lockTaskForFile, type TaskFileRow } from '../../db/queries/task-files';
import { findTask, type TaskRow, type TaskStatus } from '../../db/queries/tasks';
import type { AppEnv } from '../../env';
import { ApiError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { loadTaskFor, relationTo, requireRelation, type TaskRelation } from '../tasks/access';
import { MESSAGE_STATUSES } from '../tasks/messages';
import { classify } from './media-types';
import { deleteFileBytes, putFileBytes, readFileBytes } from './storage';

const MIB = 1024 * 1024;
/** One file at most: a phone photo, a scanned PDF or a few minutes of audio. */
export const MAX_FILE_BYTES = 10 * MIB;
/** Files on one task at most: plenty of evidence, and a bound on what a task can hold (at most 1000 MiB). */
export const MAX_FILES_PER_TASK = 100;
/** The longest name kept; longer ones are cut (keeping the extension), since a name is only a label. */
export const MAX_NAME_LENGTH = 255;

/** Statuses in which a task takes files: the same as for messages, which may carry them. */
export const UPLOAD_STATUSES: readonly TaskStatus[] = MESSAGE_STATUSES;

const UPLOADERS: TaskRelation[] = ['owner', 'assignee'];

export interface Upload {
  /** The name the client gave the file (the multipart part's filename, or the tool's `name`). */
  name: string;
  /** The type the client declared (the part's Content-Type); '' or application/octet-stream when none. */
  declaredType: string;
  bytes: Uint8Array;
}

export const tooLarge = () => new ApiError('PAYLOAD_TOO_LARGE', `A file may be at most ${MAX_FILE_BYTES / MIB} MiB.`);

/** A label safe to store and to put in Content-Disposition: no path, no control characters, at most 255 characters. */
export function cleanFileName(raw: string): string {
  const base = (raw.split(/[/\\]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').replace(/\p{Cs}/gu, '').trim();
  if (base.length <= MAX_NAME_LENGTH) return base || 'file';
  const dot = base.lastIndexOf('.');
  const ext = dot > 0 && base.length - dot <= 10 ? base.slice(dot) : '';
  return base.slice(0, MAX_NAME_LENGTH - ext.length) + ext;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function requireUploadable(task: TaskRow, relation: TaskRelation): void {
  requireRelation(relation, UPLOADERS, 'upload files to');
  if (!UPLOAD_STATUSES.includes(task.status)) {
    throw new ApiError('INVALID_STATE', `The task is ${task.status}; files need it to be ${UPLOAD_STATUSES.join(', ')}.`, {
      details: [{ path: 'status', message: `current status: ${task.status}` }],
    });
  }
}

async function requireRoom(db: Db, taskId: string): Promise<void> {
  if ((await countTaskFiles(db, taskId)) >= MAX_FILES_PER_TASK) {
    throw new ApiError('CONFLICT', `This task already holds ${MAX_FILES_PER_TASK} files, its limit.`);
  }
}

/**
 * Stores an upload: checks who and when (404, 403, 409), size (400, 413) and type against the bytes (415), writes
 * the bytes to R2, then records the row in a transaction that holds the task FOR SHARE and checks the rules again,
 * so no file lands on a task that has just been completed or canceled. A failed record deletes the bytes again.
 */
export async function uploadFile(db: Db, env: AppEnv, caller: Caller, taskId: string, upload: Upload): Promise<TaskFileRow> {
  const { task, relation } = await loadTaskFor(db, caller, taskId);
  requireUploadable(task, relation);
  if (upload.bytes.byteLength === 0) {
    throw new ApiError('VALIDATION_ERROR', 'file: The file is empty.', { details: [{ path: 'file', message: 'The file is empty.' }] });
  }
  if (upload.bytes.byteLength > MAX_FILE_BYTES) throw tooLarge();
  const name = cleanFileName(upload.name);
  const type = classify(upload.declaredType, name, upload.bytes);
  if (!type.ok) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', type.reason, { details: [{ path: 'file', message: type.reason }] });
  await requireRoom(db, taskId);

  const id = newId('file');
  const sha256 = await sha256Hex(upload.bytes);
  await putFileBytes(env, id, upload.bytes, { contentType: type.contentType, sha256, taskId, uploadedBy: caller.id });
  try {
    return await db.transaction(async (tx) => {
      const locked = await lockTaskForFile(tx, taskId);
      const still = locked ? await relationTo(tx, caller, locked) : null;
      if (!locked || !still) throw notFound('Task');
      requireUploadable(locked, still);
      await requireRoom(tx, taskId);
      return insertTaskFile(tx, {
        id,
        taskId,
        uploadedBy: caller.id,
        name,
        contentType: type.contentType,
        kind: type.kind,
        sizeBytes: upload.bytes.byteLength,
        sha256,
      });
    });
  } catch (err) {
    await deleteFileBytes(env, id);
    throw err;
  }
}

/** A task's files, oldest first, for whoever can read the task. */
export async function listFiles(db: Db, caller: Caller, taskId: string, limit: number, offset: number) {
  await loadTaskFor(db, caller, taskId);
  return listTaskFiles(db, taskId, limit, offset);
}

/** One file, for whoever can read its task; anyone else learns nothing (404, as for an id that does not exist). */
export async function getFile(db: Db, caller: Caller, fileId: string): Promise<TaskFileRow> {
  const file = await findTaskFile(db, fileId);
  const task = file ? await findTask(db, file.taskId) : null;
  const relation = task ? await relationTo(db, caller, task) : null;
  if (!file || !relation) throw notFound('File');
  return file;
}

/**
 * The file's row and its bytes. `caller` null means a signed link was checked instead of credentials (the link is
 * the permission, for its lifetime).
 */
export async function openFile(db: Db, env: AppEnv, caller: Caller | null, fileId: string) {
  const file = caller ? await getFile(db, caller, fileId) : await findTaskFile(db, fileId);
  if (!file) throw notFound('File');
  const body = await readFileBytes(env, fileId);
  // A row without its bytes (removed from the bucket by hand): the file is gone, say so as for any missing file.
  if (!body) throw notFound('File');
  return { file, body };
}
