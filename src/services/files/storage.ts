/** The bytes of uploaded files, in R2 (the FILES binding): one object per file, keyed by its id. */
import type { AppEnv } from '../../env';

const keyOf = (fileId: string) => `files/${fileId}`;

export interface StoredFileMeta {
  contentType: string;
  sha256: string;
  taskId: string;
  uploadedBy: string;
}

/** R2 checks the bytes it receives against `sha256`, so what it stores is what was hashed and recorded. */
export async function putFileBytes(env: AppEnv, fileId: string, bytes: Uint8Array, meta: StoredFileMeta): Promise<void> {
  await env.FILES.put(keyOf(fileId), bytes, {
    sha256: meta.sha256,
    httpMetadata: { contentType: meta.contentType },
    // For someone reading the bucket alone: which task and account an object belongs to.
    customMetadata: { task_id: meta.taskId, uploaded_by: meta.uploadedBy },
  });
}

/** Best effort: an object left behind is unreferenced (no row names it) and never served. */
export async function deleteFileBytes(env: AppEnv, fileId: string): Promise<void> {
  try {
    await env.FILES.delete(keyOf(fileId));
  } catch (err) {
    console.error(JSON.stringify({ level: 'error', message: `could not delete the bytes of ${fileId}: ${String(err)}` }));
  }
}

export async function readFileBytes(env: AppEnv, fileId: string): Promise<R2ObjectBody | null> {
  return env.FILES.get(keyOf(fileId));
}
