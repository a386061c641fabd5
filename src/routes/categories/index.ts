import { createRouter } from '../../lib/router';
import { listCategoriesOperation } from '../../operations/categories';
import { registerOperation } from '../../operations/rest';

/** Mounted at /api/v1. */
export function categoriesRouter() {
  const router = createRouter();
  registerOperation(router, listCategoriesOperation);
  return router;
}
