/** The pages local payments serve in place of Stripe's hosted ones. Plain HTML, no scripts: a form posts back. */
import { html } from 'hono/html';
import { formTarget, type HtmlPage } from '../../lib/html-page';
import { formatUsd } from '../../lib/money';
import type { LocalCheckout, LocalOnboarding } from '../../services/payments/local-payments';

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}
.note{background:#fff4d6;border:1px solid #e8c76a;padding:.5rem .75rem;border-radius:6px}
button{font:inherit;padding:.6rem 1.4rem;border-radius:6px;border:0;background:#635bff;color:#fff;cursor:pointer}
.amount{font-size:2rem;font-weight:700;margin:.5rem 0}`;

const SIMULATED = html`<p class="note">Local payments: this server has no Stripe key, so no money moves. The button
sends a signed Stripe event to <code>/webhooks/stripe</code>, exactly as Stripe would.</p>`;

/** The form posts here ('self') and is then redirected to `redirectUrl`, which form-action must allow too. */
const formTargets = (redirectUrl: string) => ["'self'", ...[formTarget(redirectUrl)].filter((t) => t !== null)];

export function checkoutPage(checkout: LocalCheckout, token: string): HtmlPage {
  return {
    title: `Pay ${formatUsd(checkout.amount_total)}`,
    style: STYLE,
    formTargets: formTargets(checkout.success_url),
    body: html`<h1>${checkout.product_name}</h1>
<p class="amount">${formatUsd(checkout.amount_total)} <small>${checkout.currency.toUpperCase()}</small></p>
${SIMULATED}
<form method="post" action="/local/checkout/${checkout.id}/pay">
<input type="hidden" name="t" value="${token}">
<button type="submit">Pay ${formatUsd(checkout.amount_total)}</button>
</form>
<p><a href="${checkout.cancel_url}">Cancel and go back</a></p>`,
  };
}

export function onboardingPage(onboarding: LocalOnboarding, token: string): HtmlPage {
  return {
    title: 'Set up payouts',
    style: STYLE,
    formTargets: formTargets(onboarding.return_url),
    body: html`<h1>Set up payouts</h1>
<p>Connected account <code>${onboarding.account}</code></p>
${SIMULATED}
<form method="post" action="/local/connect/${onboarding.account}/complete">
<input type="hidden" name="t" value="${token}">
<button type="submit">Complete onboarding</button>
</form>
<p><a href="${onboarding.refresh_url}">Start over</a></p>`,
  };
}

export function messagePage(title: string, message: string): HtmlPage {
  return { title, style: STYLE, body: html`<h1>${title}</h1><p>${message}</p>` };
}
