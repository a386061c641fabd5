import { htmlResponse } from '../../lib/html-page';
import type { Router } from '../../lib/router';
import { messagePage } from '../local/pages';

/**
 * Where Stripe sends a professional back from onboarding when the caller gave no URLs of its own. Plain pages:
 * the outcome reaches the API through account.updated, not through these visits.
 */
export function registerConnectPages(router: Router) {
  router.get('/payments/connect/return', (c) =>
    htmlResponse(c, messagePage('Back from Stripe', 'Thanks. Once Stripe enables payouts, GET /auth/me shows payouts_enabled: true and your earnings are sent to your account.')),
  );
  router.get('/payments/connect/refresh', (c) =>
    htmlResponse(c, messagePage('Link expired', 'This onboarding link is no longer valid. Ask for a new one: POST /api/v1/payments/connect.')),
  );
}
