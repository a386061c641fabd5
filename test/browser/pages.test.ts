/**
 * The Worker's own HTML pages in a real browser, under the Content-Security-Policy they are served with: they render,
 * their forms work, and Chromium reports no CSP violation. Runs in Node against the Worker started by
 * test/browser/global-setup.ts. (/docs is a static asset, not one of these pages: docs.test.ts.)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cspViolations, launchChromium, type Browser } from './chromium';

const origin = inject('apiOrigin');
let browser: Browser;

async function api(path: string, options: { token?: string; body?: unknown } = {}) {
  const res = await fetch(new URL(path, origin), {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json', ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function signedIn(role: 'ai_client' | 'professional') {
  const email = `browser-${role}-${crypto.randomUUID()}@example.com`;
  const password = 'correct horse battery';
  expect((await api('/auth/register', { body: { email, password, full_name: 'Browser Test', role } })).status).toBe(201);
  const login = await api('/auth/login', { body: { email, password } });
  expect(login.status).toBe(200);
  return login.body.access_token as string;
}

/** Another origin for the payer to land on, so the redirect after Pay crosses origins as it does with an agent's URL. */
async function landingServer() {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Funded</title><h1>Funded</h1>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('HTML pages in Chromium', () => {
  it("the local Pay page's button funds the task under the CSP, redirecting to the payer's success_url", async () => {
    const landing = await landingServer();
    try {
      const token = await signedIn('ai_client');
      const task = await api('/api/v1/tasks', {
        token,
        body: {
          title: 'Call a plumber',
          description: 'Book a visit for a leaking tap, any weekday.',
          category: 'business_calls',
          location_type: 'remote',
          budget_amount: 20,
          budget_type: 'fixed',
        },
      });
      expect(task.status).toBe(201);
      const checkout = await api('/api/v1/payments/checkout', {
        token,
        body: { task_id: task.body.id, amount: 20, success_url: `${landing.url}/funded`, cancel_url: `${landing.url}/canceled` },
      });
      expect(checkout.status).toBe(201);

      const page = await browser.context.newPage();
      const violations = cspViolations(page);
      await page.goto(checkout.body.checkout_url);
      expect(await page.locator('.amount').textContent()).toContain('$20.00');
      await Promise.all([page.waitForURL(`${landing.url}/funded`), page.getByRole('button', { name: 'Pay $20.00' }).click()]);
      expect(await page.locator('h1').textContent()).toBe('Funded');
      expect(violations).toEqual([]);
      await page.close();

      expect((await api(`/api/v1/tasks/${task.body.id}`, { token })).body.funding).toEqual({ status: 'funded', escrow_amount: 20 });
    } finally {
      await landing.close();
    }
  });

  it('the local onboarding page completes onboarding and lands on the Connect return page', async () => {
    const token = await signedIn('professional');
    const onboarding = await api('/api/v1/payments/connect', { token, body: {} });
    expect(onboarding.status).toBe(200);

    const page = await browser.context.newPage();
    const violations = cspViolations(page);
    await page.goto(onboarding.body.url);
    await Promise.all([page.waitForURL(`${origin}/payments/connect/return`), page.getByRole('button', { name: 'Complete onboarding' }).click()]);
    expect(await page.locator('h1').textContent()).toBe('Back from Stripe');
    expect(violations).toEqual([]);
    await page.close();

    expect((await api('/auth/me', { token })).body.professional).toMatchObject({ payouts_enabled: true });
  });
});
