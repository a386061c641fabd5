import { createRouter } from '../../lib/router';
import { registerBalanceReturns } from './balance-returns';
import { registerResolveTask } from './resolve-task';
import { registerVerifyProfessional } from './verify-professional';

/** Mounted at /api/v1/admin. */
export function adminRouter() {
  const router = createRouter();
  registerResolveTask(router);
  registerVerifyProfessional(router);
  registerBalanceReturns(router);
  return router;
}
