import { ApiError } from '../../lib/errors';
import { htmlResponse } from '../../lib/html-page';
import type { Router } from '../../lib/router';
import { onboardingCompletedEvent, readLocalOnboarding } from '../../services/payments/local-events';
import { deliverToWebhook, type Deliver } from './deliver';
import { messagePage, onboardingPage } from './pages';

const unknownAccount = () => new ApiError('NOT_FOUND', 'No such onboarding link (or it was altered).');

export function registerLocalConnect(router: Router, deliver: Deliver) {
  router.get('/connect/:account', async (c) => {
    const token = c.req.query('t');
    const onboarding = await readLocalOnboarding(c.env, c.req.param('account'), token);
    if (!onboarding || !token) throw unknownAccount();
    return htmlResponse(c, onboardingPage(onboarding, token));
  });

  router.post('/connect/:account/complete', async (c) => {
    const form = await c.req.parseBody();
    const onboarding = await readLocalOnboarding(c.env, c.req.param('account'), typeof form.t === 'string' ? form.t : undefined);
    if (!onboarding) throw unknownAccount();
    const res = await deliverToWebhook(c, deliver, await onboardingCompletedEvent(c.env, onboarding, new Date()));
    if (!res.ok) {
      return htmlResponse(c, messagePage('Onboarding not recorded', `The webhook answered ${res.status}; see the server log.`), 502);
    }
    return c.redirect(onboarding.return_url, 303);
  });
}
