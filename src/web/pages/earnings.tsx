import type { FC } from 'hono/jsx';
import type { LedgerLine, UserBalances } from '../../services/ledger';
import { formatUsd } from '../../lib/money';
import { FormToken } from '../components/fields';
import { Layout } from '../components/layout';
import type { WebSession } from '../session';

const LINE_WORDS: Record<string, string> = {
  funding: 'Payment into escrow',
  release: 'Earned',
  refund: 'Refund',
  transfer: 'Payout started',
  settlement: 'Payout completed',
  reversal: 'Payout returned',
  balance_funding: 'Paid from balance',
  manual_return: 'Returned by the platform',
};

const ACCOUNT_WORDS: Record<string, string> = {
  available: 'Available balance',
  escrow: 'Escrow',
  pending_payout: 'On its way to you',
  pending_refund: 'Refund on its way',
};

const signed = (cents: number) => `${cents < 0 ? '−' : '+'}${formatUsd(Math.abs(cents))}`;

export const EarningsPage: FC<{
  session: WebSession;
  balances: UserBalances;
  lines: LedgerLine[];
  nextAfter: string | null;
  payoutsEnabled: boolean;
  notice?: string;
}> = ({ session, balances, lines, nextAfter, payoutsEnabled, notice }) => (
  <Layout session={session}>
    <h1>Earnings</h1>
    {notice && <p class="notice">{notice}</p>}
    <section class="card" aria-labelledby="balance-heading">
      <h2 id="balance-heading">Balance</h2>
      <dl class="facts">
        <dt>Available</dt>
        <dd>{formatUsd(balances.availableCents)}</dd>
        <dt>On its way to you</dt>
        <dd>{formatUsd(balances.pendingCents)}</dd>
      </dl>
      {payoutsEnabled ? (
        balances.availableCents > 0 && (
          <form method="post" action="/app/payouts">
            <FormToken session={session} />
            <button type="submit">Pay out {formatUsd(balances.availableCents)}</button>
          </form>
        )
      ) : (
        <p>Set up payouts on your start page to be paid; earnings wait in your available balance until then.</p>
      )}
    </section>
    <section class="card" aria-labelledby="transactions-heading">
      <h2 id="transactions-heading">Transactions</h2>
      {lines.length === 0 ? (
        <p class="muted">No transactions yet.</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">What</th>
                <th scope="col" class="num">
                  Amount
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.map((line) => (
                <tr>
                  <td class="date">{line.createdAt.toISOString().slice(0, 10)}</td>
                  <td>
                    {LINE_WORDS[line.kind] ?? line.kind}
                    {line.taskId && (
                      <>
                        {' '}
                        (<a href={`/app/tasks/${line.taskId}`}>task</a>)
                      </>
                    )}
                    <br />
                    <span class="muted">
                      {ACCOUNT_WORDS[line.accountKind] ?? line.accountKind}{line.simulated && ' · test mode'}
                    </span>
                  </td>
                  <td class="num">{signed(line.amountCents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextAfter && (
        <p>
          <a href={`/app/earnings?after=${encodeURIComponent(nextAfter)}`}>Older transactions</a>
        </p>
      )}
    </section>
  </Layout>
);
