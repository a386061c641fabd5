import { createRouter } from '../../lib/router';
import { registerBalance } from './balance';
import { registerCreateCheckout } from './checkout';
import { registerConnect } from './connect';
import { registerGetCheckout } from './get-checkout';
import { registerPayouts } from './payouts';
import { registerTransactions } from './transactions';

/** Mounted at /api/v1. */
export function paymentsRouter() {
  const router = createRouter();
  registerCreateCheckout(router);
  registerGetCheckout(router);
  registerBalance(router);
  registerTransactions(router);
  registerConnect(router);
  registerPayouts(router);
  return router;
}
