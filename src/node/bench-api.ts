/**
 * `npm run bench`: the API's hot path under load, on this machine. Starts a scratch database on the machine's Postgres
 * (BENCH_DATABASE_URL's server), the local SQL endpoint, and the Worker in workerd (wrangler, as `npm run dev`), then:
 *   1. statements per route: each route called alone, counted by the local SQL endpoint;
 *   2. throughput: wrk against the no-database route (GET /api/v1/categories) and the hot read (GET /api/v1/tasks/{id},
 *      with a JWT and with an API key), interleaved in rounds at 16 and 64 connections; the median of each and the
 *      ratio hot read / no-database; errors (non-2xx, socket) at 64; CPU per request in workerd and in Postgres;
 *   3. lists: the first page and a deep page (starting_after) of a client's tasks at 1,000 and at 1,000,000 tasks.
 * Not part of the test suite: the figures depend on the machine. wrk comes from Debian's package (installed if
 * missing and this runs as root). Flags: --rounds N (default 5), --seconds S per run (default 5), --no-lists, --keep;
 * --profile: instead of 2 and 3, a CPU profile of workerd during one wrk run of the JWT read (src/node/cpu-profile.ts).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import { withBenchDatabase, type BenchDatabase } from './bench-database';
import { profileWhile } from './cpu-profile';
import { startLocalWorker } from './local-worker';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const ROUNDS = arg('rounds', 5);
const SECONDS = arg('seconds', 5);
const PROFILE = process.argv.includes('--profile');
const INSPECTOR_PORT = 9333;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function ensureWrk(): void {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  if (process.getuid?.() !== 0) throw new Error('wrk is not installed: apt-get install wrk');
  console.log('installing wrk (Debian package)...');
  execFileSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** CPU seconds each process has used so far (utime + stime, all threads), from /proc. */
function cpuByPid(pids: number[]): Map<number, number> {
  const tick = 100; // USER_HZ on Linux
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) / tick);
    } catch {
      // The process ended meanwhile.
    }
  }
  return used;
}

/** CPU seconds used between two readings by the processes present in both (the SQL endpoint keeps its backends). */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) if (before.has(pid)) total += seconds - before.get(pid)!;
  return total;
}

const pidsOf = (name: string): number[] =>
  fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);

interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  errors: number;
}

/** wrk runs while this process serves the SQL endpoint and wrangler's proxy: it must not block the event loop. */
async function wrk(url: string, connections: number, headers: Record<string, string>): Promise<WrkResult> {
  const args = ['-t2', `-c${connections}`, `-d${SECONDS}s`, '--latency'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  const { stdout: out } = await promisify(execFile)('wrk', [...args, url], { encoding: 'utf8' });
  const number = (pattern: RegExp) => Number(pattern.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    requests: number(/(\d+) requests in/),
    errors: number(/Non-2xx or 3xx responses: (\d+)/) + (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
  };
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function statementsServed(relayPort: number): Promise<number> {
  return ((await (await fetch(`http://127.0.0.1:${relayPort}/stats`)).json()) as { statements: number }).statements;
}

/** 1M rows in a few seconds: the client's own tasks are every 1,000th, the rest belong to other clients. */
async function seedTasks(bench: BenchDatabase, clientId: string, total: number, already: number): Promise<void> {
  await bench.pool.query(
    `insert into users (id, email, password_hash, full_name, role)
       select 'usr_bench' || lpad(g::text, 7, '0'), 'bench' || g || '@bench.test', 'x', 'Bench ' || g, 'ai_client'
       from generate_series(1, 100) g on conflict do nothing`,
  );
  await bench.pool.query(
    `insert into tasks (id, client_id, title, description, category, location_type, budget_cents, budget_type, status,
         funding_status, created_at, updated_at)
     select 'task_bench' || lpad(g::text, 11, '0'),
            case when g % 1000 = 0 then $1 else 'usr_bench' || lpad((1 + g % 100)::text, 7, '0') end,
            'Task ' || g, 'Benchmark task ' || g, 'research_analysis', 'remote', 2500, 'fixed', 'open', 'unfunded',
            now() - (g || ' seconds')::interval, now()
     from generate_series($2::int + 1, $3::int) g`,
    [clientId, already, total],
  );
  await bench.pool.query('analyze tasks');
}

async function timeList(origin: string, token: string, query: string, times = 40): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await json(await fetch(`${origin}/api/v1/tasks${query}`, { headers: { Authorization: `Bearer ${token}` } }));
    ms.push(performance.now() - started);
  }
  return median(ms);
}

await withBenchDatabase(async (bench) => {
  ensureWrk();
  const worker = await startLocalWorker({ url: bench.url, relayPort: bench.relayPort }, { inspectorPort: PROFILE ? INSPECTOR_PORT : undefined });
  try {
    const origin = (await worker.url).origin;
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${origin}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      }).then(json);
    const account = await post('/auth/register', { email: `bench-${Date.now()}@bench.test`, password: 'bench-password-1', full_name: 'Bench Agent', role: 'ai_client' });
    const { access_token: jwt } = (await post('/auth/login', { email: account.email, password: 'bench-password-1' })) as { access_token: string };
    const { key } = (await post('/api/v1/api-keys', { name: 'bench' }, jwt)) as { key: string };
    const task = await post(
      '/api/v1/tasks',
      { title: 'Call the venue', description: 'Confirm the booking for Friday', category: 'business_calls', location_type: 'remote', budget_amount: 25, budget_type: 'fixed' },
      jwt,
    );
    const taskUrl = `${origin}/api/v1/tasks/${String(task.id)}`;
    const routes: { name: string; url: string; headers: Record<string, string> }[] = [
      { name: 'no-DB   GET /api/v1/categories', url: `${origin}/api/v1/categories`, headers: {} },
      { name: 'JWT     GET /api/v1/tasks/{id}', url: taskUrl, headers: { Authorization: `Bearer ${jwt}` } },
      { name: 'API key GET /api/v1/tasks/{id}', url: taskUrl, headers: { Authorization: `Bearer ${key}` } },
    ];

    console.log('\nstatements per request (counted by the local SQL endpoint, 20 calls each):');
    const counted = [
      ...routes,
      { name: 'JWT     GET /api/v1/tasks', url: `${origin}/api/v1/tasks?limit=20`, headers: { Authorization: `Bearer ${jwt}` } },
      { name: 'API key GET /api/v1/tasks', url: `${origin}/api/v1/tasks?limit=20`, headers: { Authorization: `Bearer ${key}` } },
      { name: 'JWT     GET /auth/me', url: `${origin}/auth/me`, headers: { Authorization: `Bearer ${jwt}` } },
    ];
    for (const route of counted) {
      const before = await statementsServed(bench.relayPort);
      for (let i = 0; i < 20; i++) await json(await fetch(route.url, { headers: route.headers }));
      console.log(`  ${route.name}  ${((await statementsServed(bench.relayPort)) - before) / 20}`);
    }

    if (PROFILE) {
      const read = routes[1]!;
      return await profileWhile(INSPECTOR_PORT, async () => {
        const result = await wrk(read.url, 16, read.headers);
        console.log(`\n${read.name} at 16 connections while profiled: ${result.requestsPerSecond.toFixed(0)} req/s, errors ${result.errors}`);
      });
    }

    const workerd = pidsOf('workerd');
    for (const connections of [16, 64]) {
      console.log(`\nthroughput at ${connections} connections (${ROUNDS} interleaved rounds of ${SECONDS} s, wrk -t2):`);
      const rps = routes.map(() => [] as number[]);
      const errors = routes.map(() => 0);
      // node: this process, which serves the local SQL endpoint (in production, Neon's proxy does that work elsewhere).
      const cpu = routes.map(() => ({ workerd: 0, postgres: 0, node: 0, requests: 0 }));
      for (let round = 0; round < ROUNDS; round++) {
        for (const [i, route] of routes.entries()) {
          const before = { workerd: cpuByPid(workerd), postgres: cpuByPid(pidsOf('postgres')), node: process.cpuUsage() };
          const result = await wrk(route.url, connections, route.headers);
          const node = process.cpuUsage(before.node);
          cpu[i]!.node += (node.user + node.system) / 1e6;
          cpu[i]!.workerd += cpuBetween(before.workerd, cpuByPid(workerd));
          cpu[i]!.postgres += cpuBetween(before.postgres, cpuByPid(pidsOf('postgres')));
          cpu[i]!.requests += result.requests;
          rps[i]!.push(result.requestsPerSecond);
          errors[i]! += result.errors;
        }
      }
      const baseline = median(rps[0]!);
      routes.forEach((route, i) => {
        const perRequest = (seconds: number) => ((seconds / Math.max(1, cpu[i]!.requests)) * 1000).toFixed(2);
        console.log(
          `  ${route.name}  ${median(rps[i]!).toFixed(0).padStart(6)} req/s  ratio ${(median(rps[i]!) / baseline).toFixed(2)}` +
            `  errors ${errors[i]}  CPU/request: workerd ${perRequest(cpu[i]!.workerd)} ms, postgres ${perRequest(cpu[i]!.postgres)} ms,` +
            ` SQL endpoint ${perRequest(cpu[i]!.node)} ms`,
        );
      });
    }

    if (process.argv.includes('--no-lists')) return;
    console.log('\nGET /api/v1/tasks?limit=20 for a client with 1 task in 1,000 (median of 40 calls):');
    for (const [total, already] of [
      [1_000, 0],
      [1_000_000, 1_000],
    ] as const) {
      const started = Date.now();
      await seedTasks(bench, String(account.id), total, already);
      const first = await timeList(origin, jwt, '?limit=20');
      const shown = (await json(await fetch(`${origin}/api/v1/tasks?limit=1`, { headers: { Authorization: `Bearer ${jwt}` } }))) as {
        total: number;
        total_capped?: boolean;
      };
      // The cursor halfway down the client's list: a deep page, reached by starting_after.
      const { rows } = await bench.pool.query<{ id: string }>(
        `select id from tasks where client_id = $1 order by created_at desc, id desc
         offset (select count(*) / 2 from tasks where client_id = $1) limit 1`,
        [account.id],
      );
      const deep = await timeList(origin, jwt, `?limit=20&starting_after=${rows[0]!.id}`);
      console.log(
        `  ${total.toLocaleString('en-US').padStart(9)} tasks (seeded in ${((Date.now() - started) / 1000).toFixed(1)} s; the client's total shows ` +
          `${shown.total}${shown.total_capped ? ' capped' : ''}):  first page ${first.toFixed(2)} ms, halfway by starting_after ${deep.toFixed(2)} ms`,
      );
    }
  } finally {
    await worker.dispose();
  }
});
