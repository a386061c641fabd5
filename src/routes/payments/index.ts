import { createRouter } from '../../lib/router';
import { fundTaskOperation, getBalanceOperation } from '../../operations/payments';
import { registerOperation } from '../../operations/rest';
import { registerConnect } from './connect';
import { registerGetCheckout } from './get-checkout';
import { registerPayouts } from './payouts';
import { registerTransactions } from './transactions';

/** Mounted at /api/v1. */
export function paymentsRouter() {
  const router = createRouter();
  registerOperation(router, fundTaskOperation);
  registerGetCheckout(router);
  registerOperation(router, getBalanceOperation);
  registerTransactions(router);
  registerConnect(router);
  registerPayouts(router);
  return router;
}
