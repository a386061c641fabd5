import { createRouter } from '../../lib/router';
import { registerMarketplaceList } from './list';

/** Mounted at /api/v1. */
export function marketplaceRouter() {
  const router = createRouter();
  registerMarketplaceList(router);
  return router;
}
