import { createRouter } from '../../lib/router';
import { fundTaskOperation, getBalanceOperation, getCheckoutOperation, listTransactionsOperation } from '../../operations/payments';
import { registerOperation } from '../../operations/rest';
import { registerConnect } from './connect';
import { registerPayouts } from './payouts';

/** Mounted at /api/v1. */
export function paymentsRouter() {
  const router = createRouter();
  registerOperation(router, fundTaskOperation);
  registerOperation(router, getCheckoutOperation);
  registerOperation(router, getBalanceOperation);
  registerOperation(router, listTransactionsOperation);
  registerConnect(router);
  registerPayouts(router);
  return router;
}
