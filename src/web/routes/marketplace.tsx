import type { Hono } from 'hono';
import type { AppBindings } from '../../context';
import { requireRole } from '../../middleware/auth';
import { getAccountSummary } from '../../services/account-summary';
import { MarketplaceQuery } from '../../schemas/tasks';
import { listMarketplace } from '../../services/tasks/catalog';
import { MarketplacePage } from '../pages/marketplace';
import { renderPage } from '../render';
import { requireSession, webSession } from '../session';

const PAGE_SIZE = 20;

export function registerMarketplace(web: Hono<AppBindings>) {
  web.get('/marketplace', requireSession, async (c) => {
    requireRole(c.var.caller, ['professional']);
    const session = await webSession(c);
    // The API's query schema: an unknown category or location type is dropped rather than failing the page.
    const raw = { category: c.req.query('category') || undefined, location_type: c.req.query('location_type') || undefined, starting_after: c.req.query('after') || undefined };
    const query = MarketplaceQuery.safeParse(raw);
    const { category, location_type, starting_after } = query.success ? query.data : { category: undefined, location_type: undefined, starting_after: undefined };
    const filters = { category, location_type };
    if (!(await getAccountSummary(c.var.db, session.caller.id)).professional?.verified) {
      return renderPage(c, 'Marketplace', <MarketplacePage session={session} filters={filters} views={[]} nextAfter={null} verified={false} />);
    }
    const { views, hasMore } = await listMarketplace(c.var.db, session.caller, { category, locationType: location_type }, { limit: PAGE_SIZE, offset: 0, startingAfter: starting_after });
    const nextAfter = hasMore ? (views.at(-1)?.task.id ?? null) : null;
    return renderPage(c, 'Marketplace', <MarketplacePage session={session} filters={filters} views={views} nextAfter={nextAfter} verified />);
  });
}
