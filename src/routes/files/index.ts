import { createRouter } from '../../lib/router';
import { registerDownloadFile } from './content';
import { registerGetFile } from './get';
import { registerListFiles } from './list';
import { registerUploadFile } from './upload';

/** Mounted at /api/v1: uploads and lists under /tasks/{id}/files, single files under /files/{id}. */
export function filesRouter() {
  const router = createRouter();
  registerUploadFile(router);
  registerListFiles(router);
  registerGetFile(router);
  registerDownloadFile(router);
  return router;
}
