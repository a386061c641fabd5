/** multipart/form-data bodies (file uploads), read once: Hono caches the parsed form for whoever reads it next. */
import type { Context } from 'hono';
import { ApiError } from './errors';

export const isMultipart = (contentType: string | undefined): boolean => /^multipart\/form-data\s*;/i.test(contentType?.trim() ?? '');

/**
 * The request's form: 415 when the body is not multipart/form-data at all, 400 when it claims to be but cannot be
 * parsed (no boundary, truncated).
 */
export async function readMultipart(c: Context): Promise<FormData> {
  if (!isMultipart(c.req.header('Content-Type'))) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data with one part named "file" (what an HTML form or `curl -F file=@photo.jpg` sends).');
  }
  try {
    return await c.req.formData();
  } catch {
    throw new ApiError('VALIDATION_ERROR', 'The multipart/form-data body cannot be read.', { details: [{ path: '(body)', message: 'Malformed multipart body.' }] });
  }
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * What makes two uploads the same request, as JSON text: each part's name and value, a file as its name, declared
 * type, size and SHA-256. The raw body cannot serve: every client picks a new random boundary on each send, so a
 * retry of the same file would never match its first attempt.
 */
export async function formFingerprintText(form: FormData): Promise<string> {
  const parts: unknown[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') parts.push([name, value]);
    else parts.push([name, { filename: value.name, type: value.type, size: value.size, sha256: await sha256Hex(await value.arrayBuffer()) }]);
  }
  return JSON.stringify(parts);
}
