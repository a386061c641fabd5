import { ApiError } from '../../lib/errors';
import { htmlResponse } from '../../lib/html-page';
import type { Router } from '../../lib/router';
import { checkoutPaidEvent, isExpired, readLocalCheckout, successRedirect } from '../../services/payments/local-events';
import { deliverToWebhook, type Deliver } from './deliver';
import { checkoutPage, messagePage } from './pages';

const unknownCheckout = () => new ApiError('NOT_FOUND', 'No such checkout session (or its link was altered).');

export function registerLocalCheckout(router: Router, deliver: Deliver) {
  router.get('/checkout/:id', async (c) => {
    const token = c.req.query('t');
    const checkout = await readLocalCheckout(c.env, c.req.param('id'), token);
    if (!checkout || !token) throw unknownCheckout();
    if (isExpired(checkout, new Date())) return htmlResponse(c, messagePage('Checkout expired', 'Start a new checkout from the API.'), 410);
    return htmlResponse(c, checkoutPage(checkout, token));
  });

  router.post('/checkout/:id/pay', async (c) => {
    const form = await c.req.parseBody();
    const checkout = await readLocalCheckout(c.env, c.req.param('id'), typeof form.t === 'string' ? form.t : undefined);
    if (!checkout) throw unknownCheckout();
    const now = new Date();
    if (isExpired(checkout, now)) return htmlResponse(c, messagePage('Checkout expired', 'Start a new checkout from the API.'), 410);
    const res = await deliverToWebhook(c, deliver, await checkoutPaidEvent(c.env, checkout, now));
    if (!res.ok) {
      return htmlResponse(c, messagePage('Payment not recorded', `The webhook answered ${res.status}; see the server log.`), 502);
    }
    return c.redirect(successRedirect(checkout), 303);
  });
}
