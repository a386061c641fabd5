import { createRouter } from '../../lib/router';
import { getFileOperation, listFilesOperation, uploadFileOperation } from '../../operations/files';
import { registerOperation } from '../../operations/rest';
import { registerDownloadFile } from './content';

/** Mounted at /api/v1: uploads and lists under /tasks/{id}/files, single files under /files/{id}. */
export function filesRouter() {
  const router = createRouter();
  registerOperation(router, uploadFileOperation);
  registerOperation(router, listFilesOperation);
  registerOperation(router, getFileOperation);
  registerDownloadFile(router);
  return router;
}
