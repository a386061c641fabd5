import type { Hono } from 'hono';
import { paymentsContext, type AppBindings } from '../../context';
import { requireRole } from '../../middleware/auth';
import { checkRedirectUrl } from '../../services/payments/checkout';
import { requestPayout, startOnboarding } from '../../services/payments/payouts';
import { requireSession } from '../session';

export function registerPayouts(web: Hono<AppBindings>) {
  // POST /api/v1/payments/connect's service: the onboarding link (Stripe's page, or the local one), back to the start page.
  web.post('/payouts/setup', requireSession, async (c) => {
    requireRole(c.var.caller, ['professional']);
    const ctx = paymentsContext(c);
    const onboarding = await startOnboarding(c.var.db, ctx, c.var.caller, {
      returnUrl: checkRedirectUrl(c.env, 'return_url', `${ctx.origin}/app?notice=payouts`),
      refreshUrl: checkRedirectUrl(c.env, 'refresh_url', `${ctx.origin}/app`),
    });
    return c.redirect(onboarding.url, 303);
  });

  // POST /api/v1/payments/payouts's service: the whole available balance to the connected account.
  web.post('/payouts', requireSession, async (c) => {
    requireRole(c.var.caller, ['professional']);
    await requestPayout(c.var.db, paymentsContext(c), c.var.caller);
    return c.redirect('/app/earnings?notice=payout', 303);
  });
}
