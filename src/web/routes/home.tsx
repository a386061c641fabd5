import type { Hono } from 'hono';
import type { AppBindings } from '../../context';
import { getAccountSummary } from '../../services/account-summary';
import { listTasksFor } from '../../services/tasks/catalog';
import { HomePage } from '../pages/home';
import { renderPage } from '../render';
import { requireSession, webSession } from '../session';

/** Notices a redirect can ask the start page to show (never free text from the query). */
const NOTICES: Record<string, string> = {
  payouts: 'Back from payouts set-up. Your status below is up to date.',
};

export function registerHome(web: Hono<AppBindings>) {
  web.get('/', requireSession, async (c) => {
    const session = await webSession(c);
    const summary = await getAccountSummary(c.var.db, session.caller.id);
    const tasks = session.caller.role === 'admin' ? [] : (await listTasksFor(c.var.db, session.caller, {}, { limit: 50, offset: 0 })).views;
    const notice = NOTICES[c.req.query('notice') ?? ''];
    return renderPage(c, 'Home', <HomePage session={session} summary={summary} tasks={tasks} notice={notice} />);
  });
}
