import { createRouter } from '../../lib/router';
import { registerRollCallbackSecret } from './roll';

/** Mounted at /api/v1/callback-secret. */
export function callbackSecretRouter() {
  const router = createRouter();
  registerRollCallbackSecret(router);
  return router;
}
