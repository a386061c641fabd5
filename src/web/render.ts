/**
 * The one way a web app page becomes a response: through htmlResponse (src/lib/html-page.ts), so the pages send the
 * same security headers as the API's other pages (no scripts at all, the stylesheet by hash, never framed, forms
 * only to the listed origins, no Referer).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Child } from 'hono/jsx';
import type { AppBindings } from '../context';
import { htmlResponse } from '../lib/html-page';
import { paymentsMode } from '../services/payments/config';
import type { AppEnv } from '../env';
import { WEB_STYLE } from './style';

/**
 * Where the pages' forms may end up. Every page has the sign-out form ('self'); the Pay and Set up payouts forms post
 * here and are redirected to Stripe's hosted pages, and a browser checks form-action on that redirect too. In local
 * payments mode those pages are the Worker's own (/local/...), so 'self' covers them.
 */
function formTargets(env: AppEnv): string[] {
  return paymentsMode(env) === 'stripe' ? ["'self'", 'https://checkout.stripe.com', 'https://connect.stripe.com'] : ["'self'"];
}

export function renderPage(c: Context<AppBindings>, title: string, body: Child, status: ContentfulStatusCode = 200) {
  return htmlResponse(
    c,
    { title: `${title} · GoHireHumans`, style: WEB_STYLE, body: Promise.resolve(body).then((html) => String(html)), formTargets: formTargets(c.env) },
    status,
  );
}
