import { isProduction } from '../../env';
import { ApiError } from '../../lib/errors';
import { createRouter } from '../../lib/router';
import { paymentsMode } from '../../services/payments/config';
import { registerLocalCheckout } from './checkout';
import { registerLocalConnect } from './connect';
import type { Deliver } from './deliver';

/** Pages standing in for Stripe's hosted checkout and onboarding; they exist only in local payments mode. */
export function localPaymentsRouter(deliver: Deliver) {
  const router = createRouter();
  router.use('*', async (c, next) => {
    if (isProduction(c.env) || paymentsMode(c.env) !== 'local') throw new ApiError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`);
    await next();
  });
  registerLocalCheckout(router, deliver);
  registerLocalConnect(router, deliver);
  return router;
}
