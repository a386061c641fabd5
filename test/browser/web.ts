/** Helpers for driving the web app (/app) in Chromium the way a person does: by label, by button, by link. */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/neon-serverless';
import type { Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { nodePool } from '../../src/node/postgres';
import { createAdmin } from '../../src/services/admins';
import type { Db } from '../../src/db/client';

export const origin = inject('apiOrigin');

export interface Person {
  name: string;
  email: string;
  password: string;
}

export const person = (name: string, label: string): Person => ({
  name,
  email: `web-${label}-${crypto.randomUUID()}@example.com`,
  password: 'correct horse battery staple',
});

/** The JSON API from Node, as an agent or admin would call it. */
export async function api(route: string, options: { token?: string; body?: unknown; method?: string } = {}) {
  const res = await fetch(new URL(route, origin), {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: { 'Content-Type': 'application/json', ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

export async function apiToken(who: Person): Promise<string> {
  const login = await api('/auth/login', { body: { email: who.email, password: who.password } });
  expect(login.status).toBe(200);
  return login.body.access_token;
}

/** An admin, made the way `npm run admin:create` makes one (admins are never self-assigned), signed in over the API. */
export async function adminToken(): Promise<string> {
  const pool = nodePool(inject('browserDatabaseUrl'), inject('browserDbRelayPort'));
  const admin = person('Platform Admin', 'admin');
  try {
    await createAdmin(drizzle(pool) as unknown as Db, { email: admin.email, password: admin.password, fullName: admin.name, promote: false });
  } finally {
    await pool.end();
  }
  return apiToken(admin);
}

export async function signUp(page: Page, who: Person, role: 'client' | 'professional') {
  await page.goto(`${origin}/app/sign-up`);
  await page.getByLabel('Full name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByLabel(role === 'client' ? 'Hire people for tasks (client)' : 'Do tasks and get paid (professional)').check();
  await Promise.all([page.waitForURL(`${origin}/app`), page.getByRole('button', { name: 'Create account' }).click()]);
  await expect.poll(() => page.locator('h1').textContent()).toBe(`Hello, ${who.name}`);
}

/** Clicks a button that posts a form and waits for the page the answer leads to. */
export async function submitAndWait(page: Page, button: string, url?: RegExp | string) {
  await Promise.all([url ? page.waitForURL(url) : page.waitForLoadState('load'), page.getByRole('button', { name: button, exact: true }).click()]);
}

/**
 * Screenshots for docs/screenshots/, taken only when WEB_SCREENSHOTS=1 (see docs/web-app.md), so an ordinary test run
 * leaves the working tree as it was.
 */
export async function screenshot(page: Page, name: string) {
  if (process.env.WEB_SCREENSHOTS !== '1') return;
  const dir = path.resolve('docs/screenshots');
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** True when the page is no wider than the viewport: nothing scrolls sideways. */
export async function fitsViewport(page: Page): Promise<boolean> {
  return (await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')) as boolean;
}

/** The id of the element that has focus (page-side code as text: the project's types have no DOM). */
export async function focusedId(page: Page): Promise<string> {
  return (await page.evaluate('document.activeElement ? document.activeElement.id : ""')) as string;
}
