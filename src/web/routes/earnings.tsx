import type { Hono } from 'hono';
import type { AppBindings } from '../../context';
import { getAccountSummary } from '../../services/account-summary';
import { lineId, listLedgerLines, userBalances } from '../../services/ledger';
import { EarningsPage } from '../pages/earnings';
import { renderPage } from '../render';
import { requireSession, webSession } from '../session';

const PAGE_SIZE = 25;
const NOTICES: Record<string, string> = { payout: 'Payout started. It shows as on its way until Stripe confirms it.' };

/** GET /api/v1/payments/balance and /transactions, as a page (any account has them; the nav shows it to professionals). */
export function registerEarnings(web: Hono<AppBindings>) {
  web.get('/earnings', requireSession, async (c) => {
    const session = await webSession(c);
    const summary = await getAccountSummary(c.var.db, session.caller.id);
    const balances = await userBalances(c.var.db, session.caller.id);
    const after = c.req.query('after') || undefined;
    const { rows, hasMore } = await listLedgerLines(c.var.db, session.caller.id, { limit: PAGE_SIZE, offset: 0, startingAfter: after });
    const nextAfter = hasMore && rows.length > 0 ? lineId(rows.at(-1)!) : null;
    const notice = NOTICES[c.req.query('notice') ?? ''];
    return renderPage(
      c,
      'Earnings',
      <EarningsPage
        session={session}
        balances={balances}
        lines={rows}
        nextAfter={nextAfter}
        payoutsEnabled={summary.professional?.payouts_enabled ?? false}
        notice={notice}
      />,
    );
  });
}
