/**
 * /docs: Scalar's API reference, served by Workers static assets in front of the Worker (wrangler.toml [assets],
 * public/). The workerd project cannot see assets (its fetch goes straight to the Worker's handler), so both the
 * routing and the page are checked here, against the Worker served by wrangler with its assets.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cspViolations, launchChromium, type Browser } from './chromium';

const origin = inject('apiOrigin');
let browser: Browser;

interface Operation {
  summary: string;
  description?: string;
  tags?: string[];
}
let operations: Map<string, Operation>;

beforeAll(async () => {
  browser = await launchChromium();
  const doc = (await (await fetch(`${origin}/openapi.json`)).json()) as { paths: Record<string, Record<string, Operation>> };
  operations = new Map(
    Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const)),
  );
});
afterAll(async () => {
  await browser?.close();
});

const cspOf = (res: Response) =>
  Object.fromEntries(
    (res.headers.get('content-security-policy') ?? '')
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources]),
  );

/** Everything that would make the page fail quietly: CSP refusals, console errors, uncaught errors, other origins. */
function watch(page: Page) {
  const violations = cspViolations(page);
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('data:') && new URL(request.url()).origin !== origin) foreign.push(request.url());
  });
  return { violations, errors, foreign };
}

/** The sidebar entry of an operation, by its summary (entries also hold the method badge). */
const sidebarEntry = (page: Page, summary: string) => page.locator('aside a').filter({ has: page.getByText(summary, { exact: true }) });

describe('/docs routing', () => {
  it('serves the page and its scripts as static assets with the security headers', async () => {
    const page = await fetch(`${origin}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    // Not the Worker: it would have stamped a request id.
    expect(page.headers.get('x-request-id')).toBeNull();
    expect(await page.text()).toContain('<script src="/docs/scalar/standalone.js"></script>');
    const csp = cspOf(page);
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp['connect-src']).toEqual(["'self'"]);
    expect(csp['base-uri']).toEqual(["'none'"]);
    expect(csp['form-action']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    for (const script of ['/docs/scalar/standalone.js', '/docs/reference.js']) {
      const res = await fetch(`${origin}${script}`);
      expect(res.status, script).toBe(200);
      expect(res.headers.get('content-type'), script).toContain('javascript');
      expect(res.headers.get('x-content-type-options'), script).toBe('nosniff');
      await res.arrayBuffer();
    }
  });

  it("leaves every other path to the Worker: its routes, and its 404 for files it does not list", async () => {
    const openapi = await fetch(`${origin}/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { openapi: string }).openapi).toBe('3.1.0');
    expect(openapi.headers.get('x-request-id')).toMatch(/^req_/);

    const llms = await fetch(`${origin}/llms.txt`);
    expect(llms.status).toBe(200);
    expect(llms.headers.get('content-type')).toContain('text/plain');
    expect(await llms.text()).toContain('/openapi.json');

    const mcp = await fetch(`${origin}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(mcp.status).toBe(401);
    expect(((await mcp.json()) as any).error.code).toBe('UNAUTHORIZED');

    // Files the page does not use, the assets' own names for the page, and the headers file are not served.
    for (const path of ['/docs/nope', '/docs/', '/docs.html', '/_headers']) {
      const res = await fetch(`${origin}${path}`, { redirect: 'manual' });
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as any).error.code, path).toBe('NOT_FOUND');
      expect(res.headers.get('x-request-id'), path).toMatch(/^req_/);
    }
  });
});

describe('/docs in Chromium', () => {
  it('renders the operations of /openapi.json, with no CSP violation, console error or request elsewhere', async () => {
    const page = await browser.context.newPage();
    const seen = watch(page);
    expect((await page.goto(`${origin}/docs`))?.status()).toBe(200);

    // The sidebar lists every operation of a tag by its summary once the tag is opened.
    await page.getByRole('button', { name: 'Open Group - Tasks' }).click();
    const tasks = [...operations.values()].filter((op) => op.tags?.includes('Tasks'));
    expect(tasks.length).toBeGreaterThan(10);
    for (const op of tasks) await sidebarEntry(page, op.summary).waitFor({ timeout: 10_000 });

    // Choosing one shows its section: the summary as a heading, its description as text.
    const approve = operations.get('POST /api/v1/tasks/{id}/approve')!;
    await sidebarEntry(page, approve.summary).click();
    await page.getByRole('heading', { name: approve.summary, exact: true }).waitFor({ timeout: 10_000 });
    await page.getByText(approve.description!, { exact: true }).filter({ visible: true }).first().waitFor({ timeout: 10_000 });

    expect(seen).toEqual({ violations: [], errors: [], foreign: [] });
    await page.close();
  });

  it("sends a request from the page's API client to the API under the CSP", async () => {
    const page = await browser.context.newPage();
    const seen = watch(page);
    await page.goto(`${origin}/docs`);
    await sidebarEntry(page, operations.get('GET /health')!.summary).click();
    await page.getByRole('button', { name: /Test Request/ }).first().click();
    const answered = page.waitForResponse((res) => res.url() === `${origin}/health`);
    await page.getByRole('button', { name: /^Send get request to/ }).click();
    expect((await answered).status()).toBe(200);
    await page.getByText('200 OK', { exact: true }).waitFor({ timeout: 10_000 });
    expect(seen).toEqual({ violations: [], errors: [], foreign: [] });
    await page.close();
  });

  it('refuses a script injected into the page', async () => {
    const page = await browser.context.newPage();
    const violations = cspViolations(page);
    await page.goto(`${origin}/docs`);
    await sidebarEntry(page, operations.get('GET /health')!.summary).waitFor();
    expect(violations).toEqual([]);
    // Page-side code is passed as text: the project's types are the Workers runtime's, which have no DOM.
    await page.evaluate(`{
      const script = document.createElement('script');
      script.textContent = 'document.title = "ran"';
      document.body.append(script);
    }`);
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(await page.title()).not.toBe('ran');
    await page.close();
  });
});
