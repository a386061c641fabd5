import { createRouter } from '../../lib/router';
import { registerResolveTask } from './resolve-task';
import { registerVerifyProfessional } from './verify-professional';

/** Mounted at /api/v1/admin. */
export function adminRouter() {
  const router = createRouter();
  registerResolveTask(router);
  registerVerifyProfessional(router);
  return router;
}
