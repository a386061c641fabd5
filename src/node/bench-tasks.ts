/**
 * `npx tsx src/node/bench-tasks.ts [--keep]`: measures the task list and marketplace queries at 100,000 tasks.
 * Creates a scratch database on the Postgres at 127.0.0.1:5432 (or BENCH_DATABASE_URL's server), applies the
 * migrations, seeds users, tasks and submissions with generate_series, then EXPLAIN ANALYZEs the exact SQL the
 * API runs (built by the same query functions) and times each from Node through the driver. Not part of the
 * test suite: figures depend on the machine. Drops the scratch database unless --keep.
 */
import { drizzle } from 'drizzle-orm/neon-serverless';
import { findTaskView, taskCountQuery, taskPageQuery, type TaskFilters, type TaskScope } from '../db/queries/tasks';
import { withBenchDatabase } from './bench-database';

const TASKS = 100_000;
const CLIENTS = 2_000;
const PROS = 500;
const BIG_CLIENT = 'usr_c00000000001'; // posts every 20th task: 5,000
const BIG_PRO = 'usr_p00000000001'; // takes every 25th assigned task

const SEED = [
  `insert into users (id, email, password_hash, full_name, role)
     select 'usr_c' || lpad(g::text, 11, '0'), 'c' || g || '@bench.test', 'x', 'Client ' || g, 'ai_client'
     from generate_series(1, ${CLIENTS}) g`,
  `insert into users (id, email, password_hash, full_name, role, verified, rating_sum, rating_count)
     select 'usr_p' || lpad(g::text, 11, '0'), 'p' || g || '@bench.test', 'x', 'Pro Fessional' || g, 'professional', true, 45, 10
     from generate_series(1, ${PROS}) g`,
  // Status mix: 30% listed (open, funded), 10% open unfunded, 20% in progress, 10% submitted, 25% completed, 5% canceled.
  `insert into tasks (id, client_id, professional_id, title, description, category, location_type, location, budget_cents,
       budget_type, deadline, status, funding_status, accepted_at, submitted_at, completed_at, canceled_at, created_at, updated_at)
   select 'task_' || lpad(g::text, 16, '0'),
          case when g % 20 = 0 then '${BIG_CLIENT}' else 'usr_c' || lpad((2 + (g::bigint * 7919) % ${CLIENTS - 1})::text, 11, '0') end,
          case when s.status in ('open') then null
               when g % 25 = 0 then '${BIG_PRO}'
               else 'usr_p' || lpad((2 + (g::bigint * 104729) % ${PROS - 1})::text, 11, '0') end,
          'Task ' || g, 'Benchmark task number ' || g,
          (enum_range(null::task_category))[1 + g % 6],
          case when g % 5 = 0 then 'local'::location_type else 'remote'::location_type end,
          case when g % 5 = 0 then 'City ' || (g % 100) else null end,
          1500 + (g % 50) * 100, case when g % 4 = 0 then 'hourly'::budget_type else 'fixed'::budget_type end,
          case when g % 2 = 0 then t.created_at + interval '30 days' else null end,
          s.status::task_status,
          case when s.status = 'open' and s.r < 0.30 then 'funded'
               when s.status = 'open' then 'unfunded'
               when s.status = 'completed' then 'released'
               when s.status = 'canceled' then 'refunded'
               else 'funded' end::funding_status,
          case when s.status in ('in_progress', 'submitted', 'completed') then t.created_at + interval '1 hour' end,
          case when s.status in ('submitted', 'completed') then t.created_at + interval '1 day' end,
          case when s.status = 'completed' then t.created_at + interval '2 days' end,
          case when s.status = 'canceled' then t.created_at + interval '3 hours' end,
          t.created_at, t.created_at
   from generate_series(1, ${TASKS}) g
   cross join lateral (select now() - (random() * interval '365 days') as created_at) t
   cross join lateral (
     select r, case when r < 0.40 then 'open' when r < 0.60 then 'in_progress' when r < 0.70 then 'submitted'
                    when r < 0.95 then 'completed' else 'canceled' end as status
     from (select random() + g * 0 as r) x
   ) s`,
  `insert into submissions (id, task_id, professional_id, text, attachments, data, created_at)
     select 'sub_' || substr(t.id, 6), t.id, t.professional_id, 'Result for ' || t.title,
            '[{"name":"report.pdf","url":"https://files.example.com/r.pdf"}]'::jsonb, '{"ok":true}'::jsonb, t.submitted_at
     from tasks t where t.submitted_at is not null`,
  // What autovacuum would have done to a table this size: statistics and the visibility map (index-only scans).
  `vacuum analyze`,
];

interface Case {
  name: string;
  scope: TaskScope;
  filters?: TaskFilters;
  limit?: number;
  offset?: number;
  /** Start after the row at this depth instead (the same page as offset = depth, found by the keyset range). */
  afterDepth?: number;
}

const CASES: Case[] = [
  { name: 'client list (typical client, ~50 tasks)', scope: { kind: 'client', clientId: 'usr_c00000000777', livemode: true } },
  { name: 'client list (5,000 tasks)', scope: { kind: 'client', clientId: BIG_CLIENT, livemode: true } },
  { name: 'client list (5,000 tasks) status=submitted', scope: { kind: 'client', clientId: BIG_CLIENT, livemode: true }, filters: { status: 'submitted' } },
  { name: 'client list (5,000 tasks) category=business_calls', scope: { kind: 'client', clientId: BIG_CLIENT, livemode: true }, filters: { category: 'business_calls' } },
  { name: 'client list (5,000 tasks) offset=4000', scope: { kind: 'client', clientId: BIG_CLIENT, livemode: true }, offset: 4000 },
  { name: 'client list (5,000 tasks) starting_after at depth 4000', scope: { kind: 'client', clientId: BIG_CLIENT, livemode: true }, afterDepth: 4000 },
  { name: 'professional list (~2,400 assigned)', scope: { kind: 'professional', professionalId: BIG_PRO, livemode: true } },
  { name: 'marketplace', scope: { kind: 'marketplace', livemode: true } },
  { name: 'marketplace limit=100', scope: { kind: 'marketplace', livemode: true }, limit: 100 },
  { name: 'marketplace category=business_calls', scope: { kind: 'marketplace', livemode: true }, filters: { category: 'business_calls' } },
  { name: 'marketplace category + location_type=local', scope: { kind: 'marketplace', livemode: true }, filters: { category: 'business_calls', locationType: 'local' } },
  { name: 'marketplace offset=10000 (deep page)', scope: { kind: 'marketplace', livemode: true }, offset: 10_000 },
  { name: 'marketplace starting_after at depth 10000', scope: { kind: 'marketplace', livemode: true }, afterDepth: 10_000 },
];

const RUNS = 25;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** "Limit > Nested Loop > Index Scan Backward on tasks_client_created_idx ..." */
function summarize(node: PlanNode, out: string[] = []): string[] {
  const label = node['Index Name'] ? `${node['Node Type']} (${node['Index Name']})` : node['Relation Name'] ? `${node['Node Type']} (${node['Relation Name']})` : node['Node Type'];
  out.push(label);
  for (const child of node.Plans ?? []) summarize(child, out);
  return out;
}

async function main() {
  await withBenchDatabase(async ({ pool }) => {
    let started = Date.now();
    for (const statement of SEED) await pool.query(statement);
    const counts = await pool.query(
      `select (select count(*) from tasks) tasks, (select count(*) from submissions) submissions,
              (select count(*) from tasks where status = 'open' and funding_status = 'funded' and professional_id is null) listed`,
    );
    console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s:`, counts.rows[0]);
    const version = await pool.query('select version()');
    console.log(String(version.rows[0].version).split(' on ')[0]);

    const db = drizzle({ client: pool });
    // The id a client walking by cursor would hold after `depth` rows: the last row of the page before.
    const idAtDepth = async (base: { scope: TaskScope; filters: TaskFilters; limit: number; offset: number }, depth: number) => {
      const [row] = await taskPageQuery(db, { ...base, limit: 1, offset: depth - 1 });
      return row!.task.id;
    };
    const rows: string[][] = [['case', 'page exec ms', 'page wall ms', 'count exec ms', 'count wall ms', 'rows/total', 'page plan']];
    for (const c of CASES) {
      const base = { scope: c.scope, filters: c.filters ?? {}, limit: c.limit ?? 20, offset: c.offset ?? 0 };
      const args = c.afterDepth === undefined ? base : { ...base, limit: base.limit + 1, startingAfter: await idAtDepth(base, c.afterDepth) };
      const page = taskPageQuery(db, args).toSQL();
      const count = taskCountQuery(db, args).toSQL();
      const explain = async (q: { sql: string; params: unknown[] }) => {
        const res = await pool.query(`explain (analyze, buffers, format json) ${q.sql}`, q.params);
        const plan = res.rows[0]['QUERY PLAN'][0];
        return { ms: plan['Execution Time'] as number, plan: plan.Plan as PlanNode };
      };
      const time = async (q: { sql: string; params: unknown[] }) => {
        const walls: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          started = performance.now();
          await pool.query(q.sql, q.params);
          walls.push(performance.now() - started);
        }
        return median(walls);
      };
      await time(page); // warm the cache
      const pagePlan = await explain(page);
      const countPlan = await explain(count);
      const pageWall = await time(page);
      const countWall = await time(count);
      const got = await pool.query(page.sql, page.params);
      const total = await pool.query(count.sql, count.params);
      rows.push([
        c.name,
        pagePlan.ms.toFixed(2),
        pageWall.toFixed(2),
        countPlan.ms.toFixed(2),
        countWall.toFixed(2),
        `${got.rowCount}/${Object.values(total.rows[0])[0]}`,
        summarize(pagePlan.plan).filter((n) => !/^(Limit|Aggregate|SubPlan)$/.test(n)).join(' > '),
      ]);
      console.log(`\n${c.name}\n  page:  ${summarize(pagePlan.plan).join(' > ')}\n  count: ${summarize(countPlan.plan).join(' > ')}`);
    }

    const one = await pool.query(`select id from tasks where submitted_at is not null limit 1`);
    const walls: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      started = performance.now();
      await findTaskView(db, one.rows[0].id);
      walls.push(performance.now() - started);
    }
    console.log(`\nGET /tasks/{id} view query: median ${median(walls).toFixed(2)} ms wall`);

    console.log('\n| ' + rows[0]!.join(' | ') + ' |\n|' + rows[0]!.map(() => ' --- |').join(''));
    for (const row of rows.slice(1)) console.log('| ' + row.join(' | ') + ' |');
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
