import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppBindings } from '../../context';
import { ApiError } from '../../lib/errors';
import { errorResponses, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { checkDownloadLink } from '../../services/files/download-links';
import { openFile } from '../../services/files/files';
import { MEDIA_TYPES } from '../../services/files/media-types';
import { DownloadQuery, FileIdParam } from '../../schemas/files';

/** Either parameter of a signed link makes the request a link's (and one without the other an invalid link). */
const hasLinkParameters = (c: Context) => c.req.query('expires') !== undefined || c.req.query('signature') !== undefined;

/**
 * A signed link (expires + signature) stands in for credentials; without one, the usual credentials and the task's
 * visibility rules apply. The link is checked before the file is looked up, so a bad one says nothing about the id.
 */
const signedLinkOrAuth = createMiddleware<AppBindings>(async (c, next) => {
  if (!hasLinkParameters(c)) return requireAuth()(c, next);
  const expires = c.req.query('expires');
  const signature = c.req.query('signature');
  const verdict = await checkDownloadLink(c.env, c.req.param('id') ?? '', expires ?? '', signature ?? '');
  if (verdict === 'expired') throw new ApiError('FORBIDDEN', 'This download link has expired. Read the file (GET /api/v1/files/{id}) for a fresh one.');
  if (verdict === 'invalid') throw new ApiError('FORBIDDEN', 'This download link is not valid.');
  await next();
});

const route = createRoute({
  method: 'get',
  path: '/files/{id}/content',
  operationId: 'download_file',
  tags: ['Files'],
  summary: "Download a file's bytes",
  description:
    "The bytes, with the file's Content-Type, Content-Disposition: attachment and X-Content-Type-Options: nosniff (never rendered inline as a page). " +
    "Either with credentials (whoever can read the task), or with no credentials through the file's signed url (expires and signature), until it expires (403 after, or when altered).",
  // Credentials, or none when the signed link's parameters are present.
  security: [...signedIn, {}],
  middleware: [signedLinkOrAuth] as const,
  request: { params: FileIdParam, query: DownloadQuery },
  responses: {
    200: {
      description: "The file's bytes",
      headers: {
        'Content-Disposition': { description: 'attachment; filename="..."', schema: { type: 'string' } },
        'Content-Length': { description: 'The size in bytes.', schema: { type: 'integer' } },
      },
      content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' }, example: '(the bytes of meter-reading.jpg)' } },
    },
    ...errorResponses(401, 403, 404, 429),
  },
});

/** RFC 6266: a plain ASCII fallback name, and the exact name in filename*. */
function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  // encodeURIComponent leaves ' ( ) * as they are; RFC 8187 values may not hold them.
  const exact = encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

export function registerDownloadFile(router: Router) {
  router.openapi(route, async (c) => {
    const id = c.req.valid('param').id;
    // With a signed link there is no caller: the link is the permission.
    const caller = hasLinkParameters(c) ? null : c.var.caller;
    const { file, body } = await openFile(c.var.db, c.env, caller, id);
    const text = MEDIA_TYPES[file.contentType]?.sniff === null;
    return c.body(body.body, 200, {
      'Content-Type': text ? `${file.contentType}; charset=utf-8` : file.contentType,
      'Content-Length': String(file.sizeBytes),
      'Content-Disposition': contentDisposition(file.name),
      // Even opened directly, the response is a sandboxed document that may run and load nothing.
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, max-age=300',
    });
  });
}
