/**
 * The web app's guards in Chromium: the session cookie's attributes, cross-origin form posts refused (Origin check)
 * and same-origin posts without the session's form token refused, a wrong password and bad fields shown in the form
 * (tied to their fields, focus on the first), the role pages refuse, and sign-out ending the session.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspViolations, launchChromium, type Browser } from './chromium';
import { api, apiToken, fitsViewport, focusedId, origin, person, screenshot, signUp, submitAndWait } from './web';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * A page on another origin (same host, another port: same-site, so SameSite=Lax still sends the cookie, and only the
 * Origin check stands in the way) whose form posts a new task to the app.
 */
async function hostileSite() {
  const form = `<!doctype html><title>Win a prize</title>
<form method="post" action="${origin}/app/tasks">
<input type="hidden" name="title" value="Forged task"><input type="hidden" name="description" value="Posted by another site">
<input type="hidden" name="category" value="business_calls"><input type="hidden" name="location_type" value="remote">
<input type="hidden" name="budget_amount" value="10"><input type="hidden" name="budget_type" value="fixed">
<button type="submit">Claim prize</button></form>`;
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(form));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () =>
      new Promise<void>((r) => {
        // The browser keeps its connection open; close() alone would wait for it.
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const sessionCookie = async () => (await browser.context.cookies(`${origin}/app`)).find((c) => c.name === 'ghh_session');

describe('web app guards', () => {
  it('the session cookie is HttpOnly, SameSite=Lax, scoped to /app, and not Secure only on http://127.0.0.1', async () => {
    const page = await browser.context.newPage();
    await signUp(page, person('Cookie Check', 'cookie'), 'client');
    expect(await sessionCookie()).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/app', secure: false });
    // It holds the API's own token: the API accepts it as a bearer token.
    expect((await api('/auth/me', { token: (await sessionCookie())!.value })).status).toBe(200);

    await submitAndWait(page, 'Sign out', `${origin}/app/sign-in`);
    expect(await sessionCookie()).toBeUndefined();
    await page.goto(`${origin}/app/tasks/new`);
    expect(page.url()).toBe(`${origin}/app/sign-in?next=%2Fapp%2Ftasks%2Fnew`);
    await page.close();
  });

  it('refuses a form posted from another origin, and a same-origin post without the form token', async () => {
    const client = person('Csrf Target', 'csrf');
    const page = await browser.context.newPage();
    await signUp(page, client, 'client');
    const site = await hostileSite();
    try {
      await page.goto(site.url);
      const answer = page.waitForResponse((res) => res.url() === `${origin}/app/tasks`);
      await page.getByRole('button', { name: 'Claim prize' }).click();
      expect((await answer).status()).toBe(403);
      expect(await page.locator('main').textContent()).toContain('This form was sent from another site');
    } finally {
      await site.close();
    }

    // Same origin, the session cookie, but no form token (as a page that could forge Origin would send it).
    const cookie = (await sessionCookie())!;
    const forged = await fetch(`${origin}/app/tasks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin, Cookie: `ghh_session=${cookie.value}` },
      body: new URLSearchParams({ title: 'Forged', description: 'No token', category: 'business_calls', location_type: 'remote', budget_amount: '10', budget_type: 'fixed' }),
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('This form has expired or was not sent from your session');

    // Neither created anything.
    expect((await api('/api/v1/tasks', { token: await apiToken(client) })).body.data).toEqual([]);
    await page.close();
  });

  it('a wrong password is shown in the form; the email typed stays', async () => {
    const who = person('Wrong Password', 'wrongpw');
    const page = await browser.context.newPage();
    const violations = cspViolations(page);
    await signUp(page, who, 'professional');
    await submitAndWait(page, 'Sign out', `${origin}/app/sign-in`);

    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill('not the password');
    await submitAndWait(page, 'Sign in');
    expect(await page.getByRole('alert').textContent()).toContain('Email or password is incorrect.');
    expect(await page.getByLabel('Email').inputValue()).toBe(who.email);
    expect(await sessionCookie()).toBeUndefined();
    await screenshot(page, 'sign-in-error');

    // The right one signs in and returns to the page asked for.
    await page.goto(`${origin}/app/earnings`);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await submitAndWait(page, 'Sign in', `${origin}/app/earnings`);
    expect(await page.locator('h1').textContent()).toBe('Earnings');
    expect(violations).toEqual([]);
    await page.close();
  });

  it('bad fields are marked, described and focused; the service’s own refusals are shown in plain words', async () => {
    const page = await browser.context.newPage();
    await signUp(page, person('Form Errors', 'forms'), 'client');
    await page.goto(`${origin}/app/tasks/new`);
    await page.getByLabel('Title').fill('Inspect an apartment');
    await page.getByLabel('In person').check();
    await page.getByLabel('Budget (USD)').fill('12.345');
    await submitAndWait(page, 'Post task');

    // The first field in error has the focus; each one is aria-invalid and described by its message.
    expect(await focusedId(page)).toBe('task-description');
    for (const [id, message] of [
      ['task-description', 'This field is required.'],
      ['task-category', 'Choose one of the options.'],
      ['task-location', 'Required when location_type is "local".'],
      ['task-budget_amount', 'Use at most 2 decimal places.'],
    ]) {
      const field = page.locator(`#${id}`);
      expect(await field.getAttribute('aria-invalid'), id).toBe('true');
      const describedBy = (await field.getAttribute('aria-describedby'))!.split(' ');
      expect(await page.locator(`#${describedBy.at(-1)}`).textContent(), id).toBe(message);
    }
    expect(await page.getByLabel('Title').inputValue()).toBe('Inspect an apartment');
    await screenshot(page, 'form-errors');
    await page.setViewportSize({ width: 375, height: 720 });
    expect(await fitsViewport(page)).toBe(true);

    // A rule only the service knows (a fixed-price checkout below the budget) comes back by the field it is about.
    await page.setViewportSize({ width: 1000, height: 800 });
    await page.getByLabel('What needs doing').fill('Check the heating and the windows.');
    await page.getByLabel('Category').selectOption({ label: 'In-person property inspections' });
    await page.getByLabel('Address or city').fill('Austin, TX');
    await page.getByLabel('Budget (USD)').fill('40');
    await submitAndWait(page, 'Post task', /notice=posted/);
    await page.getByLabel('Amount (USD)').fill('30');
    await submitAndWait(page, 'Pay');
    expect(await page.locator('#pay-amount-error').textContent()).toBe("Must be at least the task's budget_amount (40 USD).");
    expect(await focusedId(page)).toBe('pay-amount');
    await page.close();
  });

  it('pages for the other role are refused in plain words; unknown pages and tasks are a 404 page', async () => {
    const page = await browser.context.newPage();
    await signUp(page, person('Client Only', 'roles'), 'client');
    const market = await page.goto(`${origin}/app/marketplace`);
    expect(market?.status()).toBe(403);
    expect(await page.locator('main').textContent()).toContain('This action is for professional accounts.');
    const missing = await page.goto(`${origin}/app/tasks/task_doesnotexist00`);
    expect(missing?.status()).toBe(404);
    expect(await page.locator('main').textContent()).toContain('Task not found.');
    expect((await page.goto(`${origin}/app/nowhere`))?.status()).toBe(404);
    await page.close();
  });

  it('sign-in never sends the browser to another site after signing in', async () => {
    const who = person('Redirect Check', 'redirect');
    const page = await browser.context.newPage();
    await signUp(page, who, 'client');
    await submitAndWait(page, 'Sign out', `${origin}/app/sign-in`);
    await page.goto(`${origin}/app/sign-in?next=${encodeURIComponent('//evil.example/')}`);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await submitAndWait(page, 'Sign in', `${origin}/app`);
    await page.close();
  });
});
