/**
 * The web app (/app) inside workerd, with payments in Stripe mode (the Stripe fake): its pages send the API pages'
 * security headers with form-action open to Stripe's hosted pages, signed-out visitors go to sign-in, forms from
 * another origin are refused as a page, and Pay hands the payer to Stripe's Checkout URL. The journeys themselves run
 * in Chromium (test/browser/web-app.test.ts).
 */
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { BASE, call } from './support/api';
import { newAccount } from './support/accounts';
import { expectPageHeaders } from './support/pages';

const STRIPE_FORM_TARGETS = ["'self'", 'https://checkout.stripe.com', 'https://connect.stripe.com'];

function page(path: string, init: { method?: string; form?: Record<string, string>; cookie?: string; origin?: string } = {}) {
  const headers = new Headers();
  if (init.cookie) headers.set('Cookie', init.cookie);
  if (init.form) headers.set('Content-Type', 'application/x-www-form-urlencoded');
  if (init.origin) headers.set('Origin', init.origin);
  return exports.default.fetch(
    new Request(`${BASE}${path}`, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: 'manual',
    }),
  );
}

/** Signs an existing account in through the form; the session cookie and the form token of its pages. */
async function signedIn(email: string, password: string) {
  const res = await page('/app/sign-in', { form: { email, password }, origin: BASE });
  expect(res.status).toBe(303);
  const cookie = /^(ghh_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
  const home = await (await page('/app', { cookie })).text();
  const formToken = /name="csrf" value="([^"]+)"/.exec(home)![1]!;
  return { cookie, formToken };
}

describe('web app pages', () => {
  it('send the security headers of the API pages, with form-action allowing Stripe’s hosted pages', async () => {
    const res = await page('/app/sign-in');
    expect(res.status).toBe(200);
    expectPageHeaders(res.headers, STRIPE_FORM_TARGETS);
    expect(await res.text()).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('send a signed-out visitor to sign-in, remembering the page', async () => {
    const res = await page('/app/earnings?after=ln_1');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/app/sign-in?next=%2Fapp%2Fearnings%3Fafter%3Dln_1');
    const post = await page('/app/tasks', { form: { title: 'x' }, origin: BASE });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe('/app/sign-in');
  });

  it('refuse a form from another origin with a page in plain words, before reading it', async () => {
    const res = await page('/app/sign-in', { form: { email: 'a@example.com', password: 'x' }, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expectPageHeaders(res.headers, STRIPE_FORM_TARGETS);
    expect(await res.text()).toContain('This form was sent from another site');
  });

  it('an expired or forged session cookie is dropped and the visitor signs in again', async () => {
    const res = await page('/app', { cookie: 'ghh_session=not-a-token' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/app/sign-in?next=%2Fapp');
    expect(res.headers.get('set-cookie')).toMatch(/^ghh_session=; Max-Age=0; Path=\/app; HttpOnly; SameSite=Lax/);
  });

  it('Pay opens a Stripe Checkout session for the task and sends the payer to it', async () => {
    const client = await newAccount('client', 'Web Client');
    const { cookie, formToken } = await signedIn(client.email, client.password);
    const posted = await page('/app/tasks', {
      cookie,
      origin: BASE,
      form: {
        csrf: formToken,
        title: 'Transcribe a voicemail',
        description: 'Two minutes of audio, in English.',
        category: 'data_entry_transcription',
        location_type: 'remote',
        budget_amount: '12.50',
        budget_type: 'fixed',
      },
    });
    expect(posted.status).toBe(303);
    const taskId = /^\/app\/tasks\/(task_[^?]+)\?notice=posted$/.exec(posted.headers.get('location')!)![1]!;

    const pay = await page(`/app/tasks/${taskId}/pay`, { cookie, origin: BASE, form: { csrf: formToken, amount: '12.50' } });
    expect(pay.status).toBe(303);
    const checkoutUrl = pay.headers.get('location')!;
    // Stripe's hosted page: an origin the page's form-action lists, so the browser follows this redirect.
    expect(new URL(checkoutUrl).origin).toBe('https://checkout.stripe.com');
    const task = await call(`/api/v1/tasks/${taskId}`, { token: client.token });
    expect(task.body).toMatchObject({ title: 'Transcribe a voicemail', budget_amount: 12.5, funding: { status: 'pending', escrow_amount: 0 } });
  });

  it('a form sent twice (a double click) creates its task once; the same key with other values is refused', async () => {
    const client = await newAccount('client', 'Double Clicker');
    const { cookie, formToken } = await signedIn(client.email, client.password);
    const form = await (await page('/app/tasks/new', { cookie })).text();
    const formKey = /name="form_key" value="([^"]+)"/.exec(form)![1]!;
    const fields = {
      csrf: formToken,
      form_key: formKey,
      title: 'Pick up a parcel',
      description: 'From the post office on Main Street, before 5 pm.',
      category: 'errands_delivery',
      location_type: 'local',
      location: 'Springfield',
      budget_amount: '18',
      budget_type: 'fixed',
    };
    const [first, second] = await Promise.all([
      page('/app/tasks', { cookie, origin: BASE, form: fields }),
      page('/app/tasks', { cookie, origin: BASE, form: fields }),
    ]);
    // Sent at once, the second waits for the first and gets its answer; sent again afterwards, it replays.
    const again = await page('/app/tasks', { cookie, origin: BASE, form: fields });
    expect([first.status, second.status, again.status]).toEqual([303, 303, 303]);
    expect(new Set([first, second, again].map((r) => r.headers.get('location'))).size).toBe(1);
    const tasks = await call('/api/v1/tasks', { token: client.token });
    expect(tasks.body.data.map((t: { title: string }) => t.title)).toEqual(['Pick up a parcel']);

    const changed = await page('/app/tasks', { cookie, origin: BASE, form: { ...fields, budget_amount: '19' } });
    expect(changed.status).toBe(422);
    expect(await changed.text()).toContain('This form was already sent with other values');
    expect((await call('/api/v1/tasks', { token: client.token })).body.data).toHaveLength(1);
  });
});
