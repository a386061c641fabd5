/**
 * `npx tsx src/node/bench-ledger.ts [--keep] [--seconds N] [--concurrency 16,64]`: measures ledger postings under
 * concurrency. Creates a scratch database on the Postgres at 127.0.0.1:5432 (or BENCH_DATABASE_URL's server),
 * applies the migrations, seeds clients, professionals and tasks, then has C connections at once each post, task
 * after task, the two transactions every task's money goes through: a funding (external:stripe -> escrow) and a
 * release (escrow -> the professional's available balance + platform:fees), each in its own database transaction
 * through the Worker's own `post()`. Tasks are never shared and each connection pays its own professional, so the
 * only rows the connections share are the platform-wide accounts. Reports transactions per second and p50/p95 latency per level, then checks
 * the ledger's integrity. The database keeps the server's commit settings (synchronous_commit as configured), like
 * production. Not part of the test suite: figures depend on the machine. Drops the scratch database unless --keep.
 */
import { drizzle } from 'drizzle-orm/neon-serverless';
import type { Db } from '../db/client';
import { checkLedgerIntegrity } from '../db/queries/ledger';
import { accountBalanceCents, availableAccount, escrowAccount, PLATFORM_FEES, platformFeeCents, post, STRIPE_EXTERNAL } from '../services/ledger';
import { withBenchDatabase } from './bench-database';
import { nodePool } from './postgres';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SECONDS = Number(arg('seconds') ?? 10);
const LEVELS = (arg('concurrency') ?? '16,64').split(',').map(Number);
const WORKERS = Math.max(...LEVELS);
// Enough tasks for every level to run its whole time at a few thousand postings a second.
const TASKS_PER_LEVEL = 40_000;
const AMOUNT = 5_000;

const seed = (tasks: number) => [
  `insert into users (id, email, password_hash, full_name, role)
     select 'usr_c' || lpad(g::text, 11, '0'), 'c' || g || '@bench.test', 'x', 'Client ' || g, 'ai_client' from generate_series(1, ${WORKERS}) g`,
  `insert into users (id, email, password_hash, full_name, role, verified)
     select 'usr_p' || lpad(g::text, 11, '0'), 'p' || g || '@bench.test', 'x', 'Pro ' || g, 'professional', true from generate_series(1, ${WORKERS}) g`,
  `insert into tasks (id, client_id, title, description, category, location_type, budget_cents, budget_type)
     select 'task_' || lpad(g::text, 16, '0'), 'usr_c' || lpad((1 + g % ${WORKERS})::text, 11, '0'), 'Task ' || g, 'Benchmark task',
            'research_analysis', 'remote', ${AMOUNT}, 'fixed' from generate_series(1, ${tasks}) g`,
  `vacuum analyze`,
];

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

interface Figures {
  concurrency: number;
  transactions: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  failures: number;
}

/** C workers, each funding and releasing its own client's tasks for `SECONDS`; task numbers start after `first`. */
async function level(url: string, relayPort: number, concurrency: number, first: number): Promise<Figures> {
  const pool = nodePool(url, relayPort, concurrency);
  const db: Db = drizzle({ client: pool });
  const latencies: number[] = [];
  let next = first;
  let failures = 0;
  const timed = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      await fn();
      latencies.push(performance.now() - started);
    } catch (err) {
      failures++;
      if (failures <= 3) console.error(err);
    }
  };
  // Open every connection before the clock starts.
  await Promise.all(Array.from({ length: concurrency }, () => pool.query('select 1')));
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      const proId = `usr_p${pad(w + 1, 11)}`;
      while (performance.now() < deadline) {
        const n = ++next;
        const taskId = `task_${pad(n, 16)}`;
        const owner = `usr_c${pad(1 + (n % WORKERS), 11)}`;
        const escrow = escrowAccount(taskId, owner);
        const fee = platformFeeCents(AMOUNT, 100);
        await timed(() =>
          db.transaction((tx) =>
            post(tx, { reference: `fund:bench_${taskId}`, kind: 'funding', taskId, userId: owner, entries: [
              { account: STRIPE_EXTERNAL, amountCents: -AMOUNT },
              { account: escrow, amountCents: AMOUNT },
            ] }),
          ),
        );
        await timed(() =>
          db.transaction((tx) =>
            post(tx, { reference: `release:${taskId}`, kind: 'release', taskId, entries: [
              { account: escrow, amountCents: -AMOUNT },
              { account: availableAccount(proId), amountCents: AMOUNT - fee },
              { account: PLATFORM_FEES, amountCents: fee },
            ] }),
          ),
        );
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  await pool.end();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    concurrency,
    transactions: sorted.length,
    perSecond: sorted.length / elapsed,
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    failures,
  };
}

async function main() {
  await withBenchDatabase(async ({ url, relayPort, pool }) => {
    for (const statement of seed(TASKS_PER_LEVEL * LEVELS.length)) await pool.query(statement);
    const settings = await pool.query(`select version() v, current_setting('synchronous_commit') sc`);
    console.log(`${String(settings.rows[0].v).split(' on ')[0]}, synchronous_commit ${settings.rows[0].sc}, ${SECONDS} s per level`);

    const results: Figures[] = [];
    for (const [i, concurrency] of LEVELS.entries()) {
      const figures = await level(url, relayPort, concurrency, i * TASKS_PER_LEVEL);
      console.log(JSON.stringify(figures));
      results.push(figures);
    }

    const db: Db = drizzle({ client: pool });
    const integrity = await checkLedgerIntegrity(db);
    const external = await accountBalanceCents(db, STRIPE_EXTERNAL);
    const fees = await accountBalanceCents(db, PLATFORM_FEES);
    const sums = await pool.query(
      `select account_id, sum(amount_cents)::bigint cents from ledger_entries where account_id in ('external:stripe', 'platform:fees') group by account_id`,
    );
    const summed = Object.fromEntries(sums.rows.map((r) => [r.account_id, Number(r.cents)]));
    console.log('integrity:', JSON.stringify(integrity), 'external:stripe', external, '(entries', summed['external:stripe'], ') platform:fees', fees, '(entries', summed['platform:fees'], ')');
    if (integrity.totalCents !== 0 || integrity.driftedAccounts.length || integrity.unbalancedTransactions.length) throw new Error('ledger integrity broken');
    if (external !== summed['external:stripe'] || fees !== summed['platform:fees']) throw new Error('platform balances differ from their entries');

    console.log('\n| concurrent connections | postings/s | p50 ms | p95 ms | p99 ms | failures |\n| --- | --- | --- | --- | --- | --- |');
    for (const r of results) {
      console.log(`| ${r.concurrency} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.failures} |`);
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
