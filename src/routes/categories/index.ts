import { createRouter } from '../../lib/router';
import { registerListCategories } from './list';

/** Mounted at /api/v1. */
export function categoriesRouter() {
  const router = createRouter();
  registerListCategories(router);
  return router;
}
