/**
 * The web app (/app) end to end in Chromium, clicking and typing as people do: a client posts and pays a task on the
 * local Pay page; a professional, verified by an admin over the API, finds it in the marketplace, asks a question that
 * the client answers (in the page, and once more over the API, as an agent would), accepts, uploads two photos and
 * submits with them; the client approves; the professional sees the earnings and sets up payouts.
 * Every page is checked for Content-Security-Policy violations. Runs against the Worker of global-setup.ts, in local
 * payments mode.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspViolations, launchChromium, type Browser } from './chromium';
import { adminToken, api, apiToken, fitsViewport, origin, person, screenshot, signUp, submitAndWait } from './web';

let clientBrowser: Browser;
let proBrowser: Browser;

beforeAll(async () => {
  // Two browsers, two people: each has its own cookie jar.
  [clientBrowser, proBrowser] = await Promise.all([launchChromium(), launchChromium()]);
});
afterAll(async () => {
  await clientBrowser?.close();
  await proBrowser?.close();
});

const PHONE = { width: 375, height: 720 };

/** A 1x1 PNG: the signature, IHDR, IDAT and IEND chunks. */
const tinyPng = () =>
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );

/** Follows a link of the top bar. */
async function nav(page: Page, name: string) {
  await Promise.all([page.waitForLoadState('load'), page.locator('header.top').getByRole('link', { name, exact: true }).click()]);
}

async function newPage(browser: Browser): Promise<{ page: Page; violations: string[] }> {
  const page = await browser.context.newPage();
  return { page, violations: cspViolations(page) };
}

describe('web app journey', () => {
  it('a client posts and pays, a professional asks, accepts and submits, the client approves, the professional is paid', async () => {
    const client = person('Ann Client', 'client');
    const pro = person('Sarah Miller', 'pro');
    const { page: cp, violations: clientViolations } = await newPage(clientBrowser);
    const { page: pp, violations: proViolations } = await newPage(proBrowser);

    // The client signs up and posts a task.
    await signUp(cp, client, 'client');
    await nav(cp, 'Post a task');
    await cp.getByLabel('Title').fill('Call the dentist to book a cleaning');
    await cp.getByLabel('What needs doing').fill('Call Dr. Smith at (555) 010-0200 and book a cleaning next week, mornings only.');
    await cp.getByLabel('Category').selectOption({ label: 'Phone calls, scheduling, outreach' });
    await cp.getByLabel('Remote').check();
    await cp.getByLabel('Budget (USD)').fill('25');
    await screenshot(cp, 'post-task');
    await submitAndWait(cp, 'Post task', /\/app\/tasks\/task_[^/?]+\?notice=posted$/);
    const taskId = /\/app\/tasks\/(task_[^/?]+)/.exec(cp.url())![1]!;
    expect(await cp.locator('.notice').textContent()).toContain('Task posted');
    expect(await cp.locator('dl.facts').textContent()).toContain('Not paid yet');

    // Pays on the local Pay page and comes back to the task, paid into escrow.
    await submitAndWait(cp, 'Pay', /\/local\/checkout\//);
    expect(await cp.locator('.amount').textContent()).toContain('$25.00');
    await submitAndWait(cp, 'Pay $25.00', `${origin}/app/tasks/${taskId}?notice=paid`);
    expect(await cp.locator('dl.facts').textContent()).toContain('Paid into escrow ($25.00 held)');

    // The professional signs up: not verified, so no marketplace yet.
    await signUp(pp, pro, 'professional');
    expect(await pp.locator('#status-heading + dl').textContent()).toContain('Not verified yet');
    await nav(pp, 'Marketplace');
    expect(await pp.locator('main').textContent()).toContain('opens once you are verified');

    // An admin verifies them over the API; the start page says so.
    const admin = await adminToken();
    const proId = (await api('/auth/me', { token: await apiToken(pro) })).body.id;
    expect((await api(`/api/v1/admin/professionals/${proId}/verify`, { token: admin, body: {} })).status).toBe(200);
    await pp.goto(`${origin}/app`);
    expect(await pp.locator('#status-heading + dl').textContent()).toContain('Verified');
    await screenshot(pp, 'professional-home');

    // The marketplace, filtered: the task is among remote phone-call tasks and not among in-person ones.
    await nav(pp, 'Marketplace');
    await pp.getByLabel('Category').selectOption({ label: 'Phone calls, scheduling, outreach' });
    await pp.getByLabel('Where').selectOption({ label: 'In person' });
    await submitAndWait(pp, 'Show tasks', /location_type=local/);
    expect(await pp.getByRole('link', { name: 'Call the dentist to book a cleaning' }).count()).toBe(0);
    await pp.getByLabel('Where').selectOption({ label: 'Remote' });
    await submitAndWait(pp, 'Show tasks', /location_type=remote/);
    await screenshot(pp, 'marketplace');
    await pp.getByRole('link', { name: 'Call the dentist to book a cleaning' }).click();
    await pp.waitForURL(`${origin}/app/tasks/${taskId}`);

    // Asks a question; the client reads it on the task page and answers in that thread.
    await pp.getByLabel('Your question').fill('Is any morning next week fine, or a particular day?');
    await submitAndWait(pp, 'Ask', /notice=message/);
    await cp.goto(`${origin}/app/tasks/${taskId}`);
    expect(await cp.locator('.thread').textContent()).toContain('Is any morning next week fine');
    expect(await cp.locator('.thread h3').textContent()).toBe('Conversation with Sarah M.');
    await cp.getByLabel('Reply to Sarah M.').fill('Any morning except Monday.');
    await submitAndWait(cp, 'Send reply', /notice=message/);
    // The owner's agent adds to the same thread over the API, with the owner's credentials.
    const answered = await api(`/api/v1/tasks/${taskId}/messages`, {
      token: await apiToken(client),
      body: { text: 'Tuesday 9:30 suits best.', professional_id: (await api('/auth/me', { token: await apiToken(pro) })).body.id },
    });
    expect(answered.status).toBe(201);
    await pp.reload();
    const thread = await pp.locator('.message').allTextContents();
    expect(thread.join(' ')).toContain('Any morning except Monday.');
    expect(thread.at(-1)).toContain('Tuesday 9:30 suits best.');

    // Accepts, then submits a result with a link to a file.
    await submitAndWait(pp, 'Accept this task', /notice=accepted/);
    expect(await pp.locator('dl.facts').textContent()).toContain('In progress');
    // A file that is not what it claims is refused in the form, next to the field; nothing is stored.
    await pp.getByLabel('Add a file').setInputFiles({ name: 'not-a-photo.png', mimeType: 'image/png', buffer: Buffer.from('<html>hi</html>') });
    await pp.getByRole('button', { name: 'Upload' }).click();
    await pp.waitForLoadState('load');
    expect(await pp.locator('.field', { has: pp.getByLabel('Add a file') }).textContent()).toMatch(/PNG|type|content/i);
    // Then two photos, uploaded one at a time through the page's upload form (the API's rules: a PNG must be a PNG).
    for (const name of ['front-desk.png', 'appointment-card.png']) {
      await pp.getByLabel('Add a file').setInputFiles({ name, mimeType: 'image/png', buffer: tinyPng() });
      await submitAndWait(pp, 'Upload', /notice=uploaded/);
    }
    expect(await pp.getByLabel('front-desk.png (photo)').isChecked()).toBe(true);
    expect(await pp.getByLabel('appointment-card.png (photo)').isChecked()).toBe(true);
    await pp.getByLabel('Result', { exact: true }).fill('Booked for Tuesday 9:30 with Dr. Smith. Confirmation A-1043.');
    await pp.getByLabel('Attachment 1 name').fill('confirmation.pdf');
    await pp.getByLabel('Attachment 1 link').fill('https://files.example.com/confirmation.pdf');
    await screenshot(pp, 'submit-result');
    await submitAndWait(pp, 'Submit result', /notice=submitted/);
    expect(await pp.locator('dl.facts').textContent()).toContain('Submitted for review');

    // The client sees the submission and approves it with a rating.
    await cp.reload();
    const result = cp.locator('section', { has: cp.getByRole('heading', { name: 'Submitted result' }) });
    expect(await result.textContent()).toContain('Booked for Tuesday 9:30');
    expect(await result.getByRole('link', { name: 'confirmation.pdf' }).getAttribute('href')).toBe('https://files.example.com/confirmation.pdf');
    for (const name of ['front-desk.png', 'appointment-card.png']) {
      expect(await result.getByRole('link', { name }).count(), name).toBe(1);
    }
    // The page links the photos by signed URLs, which a browser can follow without the API's credentials.
    const photo = await fetch(new URL((await result.getByRole('link', { name: 'front-desk.png' }).getAttribute('href'))!, origin));
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await photo.arrayBuffer()).equals(tinyPng())).toBe(true);
    const submitted = await api(`/api/v1/tasks/${taskId}`, { token: await apiToken(client) });
    const files = submitted.body.deliverables[0].attachments.filter((a: { file_id?: string }) => a.file_id);
    expect(files.map((a: { name: string; content_type: string }) => [a.name, a.content_type])).toEqual([
      ['front-desk.png', 'image/png'],
      ['appointment-card.png', 'image/png'],
    ]);
    await screenshot(cp, 'client-review');
    await cp.getByLabel('Rating').selectOption('5');
    await cp.getByLabel('Review', { exact: true }).fill('Quick and precise.');
    await submitAndWait(cp, 'Approve and pay $25.00', /notice=approved/);
    expect(await cp.locator('dl.facts').textContent()).toContain('Completed');
    expect(await cp.locator('dl.facts').textContent()).toContain('Paid to the professional');

    // The professional's earnings: 25.00 less the 1% fee, waiting in the available balance (payouts not set up).
    await nav(pp, 'Earnings');
    expect(await pp.locator('#balance-heading + dl').textContent()).toContain('$24.75');
    const earned = pp.locator('tbody tr', { hasText: 'Earned' });
    expect(await earned.locator('td.num').textContent()).toBe('+$24.75');
    await screenshot(pp, 'earnings');

    // Sets up payouts on the local onboarding page: the waiting earnings go out at once.
    await pp.goto(`${origin}/app`);
    await submitAndWait(pp, 'Set up payouts', /\/local\/connect\//);
    await submitAndWait(pp, 'Complete onboarding', `${origin}/app?notice=payouts`);
    expect(await pp.locator('#status-heading + dl').textContent()).toContain('Set up');
    expect(await pp.locator('#status-heading + dl').textContent()).toContain('Completed tasks1');
    await nav(pp, 'Earnings');
    expect(await pp.locator('tbody').textContent()).toContain('Payout started');
    expect(await pp.locator('#balance-heading + dl').textContent()).toContain('Available$0.00');

    // The API tells the same story: the task is completed and its escrow released.
    const task = await api(`/api/v1/tasks/${taskId}`, { token: await apiToken(client) });
    expect(task.body).toMatchObject({ status: 'completed', funding: { status: 'released', escrow_amount: 0 } });

    // Phone-sized: the main pages render without sideways scrolling.
    for (const [page, paths] of [
      [cp, ['/app', `/app/tasks/${taskId}`, '/app/tasks/new']],
      [pp, ['/app', '/app/marketplace', `/app/tasks/${taskId}`, '/app/earnings']],
    ] as const) {
      await page.setViewportSize(PHONE);
      for (const route of paths) {
        await page.goto(`${origin}${route}`);
        expect(await fitsViewport(page), route).toBe(true);
      }
    }
    await screenshot(pp, 'phone-earnings');
    expect(clientViolations).toEqual([]);
    expect(proViolations).toEqual([]);
    await cp.close();
    await pp.close();
  });
});
