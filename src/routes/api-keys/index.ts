import { createRouter } from '../../lib/router';
import { registerCreateApiKey } from './create';
import { registerListApiKeys } from './list';
import { registerRevokeApiKey } from './revoke';

export function apiKeysRouter() {
  const router = createRouter();
  registerCreateApiKey(router);
  registerListApiKeys(router);
  registerRevokeApiKey(router);
  return router;
}
