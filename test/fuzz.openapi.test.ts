/**
 * Fuzzing every operation of /openapi.json (and every MCP tool through POST /mcp): 10,000 requests built from the
 * document itself, with NUL bytes, oversized strings, odd types, huge and negative numbers, unicode, very long and
 * malformed ids, %00 in query and path, missing and extra fields, odd headers, with no credential, a bad one, or one
 * of each role. Nothing sent may be a 5xx, every error must be the contract's error shape, and an MCP tool's error
 * must be the REST error body with a code other than INTERNAL.
 *
 * Deterministic: one seeded PRNG draws every request before any is sent (ids of the fixtures are random, and the
 * requests run a few at a time, so statuses can differ a little between runs when two requests race on a fixture).
 */
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../src/lib/errors';
import { call, type ApiResponse } from './support/api';
import { signatureFor } from './support/stripe';
import { createTask, fundTask, openCheckout, quickAccount, quickVerifiedProfessional } from './support/tasks';
import { receiverPath } from './support/webhooks';

type Json = any;

const TOTAL = 10_000;
/** Requests in flight: the database, not the Worker, is the bottleneck here, and 12 at a time was no faster than 6. */
const CONCURRENCY = 6;
/** Operations that hash a password (about 220 ms of CPU each) get a smaller share, or they would own the run. */
const SHARE: Record<string, number> = { 'POST /auth/login': 0.25, 'POST /auth/register': 0.25, 'POST /mcp': 6 };

/** mulberry32: small, fast and plenty for choosing inputs. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]!, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const ODD_STRINGS = [
  '\u0000',
  'a\u0000b',
  'task_\u0000',
  '\u0000'.repeat(50),
  '',
  ' ',
  'x'.repeat(256),
  'x'.repeat(2_001),
  'x'.repeat(20_001),
  '😀🎉',
  '\u202eevil',
  'é\u0301',
  '\ud800',
  'a\udfffb',
  '\uffff\ufffe',
  '<script>alert(1)</script>',
  "'; drop table users; --",
  '%00',
  '../../etc/passwd',
  '15',
  '-1',
  '1e309',
  'true',
  'null',
  '2026-02-30T25:61:00Z',
  'usd\u0000',
];
const ODD_NUMBERS = [0, -1, -0.5, 0.001, 1.005, 1e21, 1e308, -1e308, 2 ** 53 + 1, 99_999_999.99, 3.5];
const ODD_VALUES: unknown[] = [null, true, false, [], {}, [1, 'a', null], { a: { b: [{}] } }, ['\u0000'], { '\u0000': 1 }];

function oddValue(rng: Rng): unknown {
  const r = rng.next();
  if (r < 0.5) return rng.pick(ODD_STRINGS);
  if (r < 0.75) return rng.pick(ODD_NUMBERS);
  return structuredClone(rng.pick(ODD_VALUES));
}

/** A raw query or path segment: percent-encoded NUL, invalid escapes, encoded lone surrogates and the like. */
const ODD_RAW = ['%00', 'a%00b', '%', '%zz', '%ED%A0%80', '%F0%9F%98%80', '%2F..%2F', '-1', '1e309', '0', '101', 'x'.repeat(3_000), '%00'.repeat(20), '%C0%80', '+', '[]'];

const resolve = (doc: Json, schema: Json): Json => {
  for (let hops = 0; schema?.$ref && hops < 10; hops++) schema = doc.components.schemas[String(schema.$ref).split('/').pop()!];
  return schema ?? {};
};

/** A plausible value for a JSON Schema: its example where it has one, else something of its type. */
function sample(doc: Json, raw: Json, rng: Rng, depth = 0): unknown {
  const schema = resolve(doc, raw);
  if (schema.example !== undefined) return structuredClone(schema.example);
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return structuredClone(schema.examples[0]);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return rng.pick(schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) return sample(doc, rng.pick(options), rng, depth + 1);
  if (schema.allOf) return sample(doc, schema.allOf[0], rng, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  if (depth > 6) return null;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries<Json>(schema.properties ?? {})) {
        if ((schema.required ?? []).includes(key) || rng.chance(0.5)) out[key] = sample(doc, prop, rng, depth + 1);
      }
      return out;
    }
    case 'array':
      return [sample(doc, schema.items ?? {}, rng, depth + 1)];
    case 'integer':
      return Math.max(schema.minimum ?? 1, 1);
    case 'number':
      return 10;
    case 'boolean':
      return true;
    case 'string':
      return schema.format === 'date-time' ? new Date(Date.now() + 86_400_000).toISOString() : 'text';
    default:
      return 'text';
  }
}

/** Every [container, key] in a JSON value, so a mutation can reach nested fields too. */
function slots(value: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []) {
  if (Array.isArray(value)) value.forEach((item, i) => (out.push([value, i]), slots(item, out)));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push([value as Record<string, unknown>, k]), slots(v, out);
  return out;
}

/** One to three changes to a body or argument object: odd leaves, NULs inside strings, removed and extra fields. */
function mutate(value: unknown, rng: Rng): unknown {
  if (rng.chance(0.08)) return oddValue(rng);
  const times = 1 + rng.int(3);
  for (let i = 0; i < times; i++) {
    const all = slots(value);
    const r = rng.next();
    if (all.length > 0 && r < 0.45) {
      const [container, key] = rng.pick(all);
      (container as Record<string | number, unknown>)[key] = oddValue(rng);
    } else if (all.length > 0 && r < 0.65) {
      const strings = all.filter(([c, k]) => typeof (c as Record<string | number, unknown>)[k] === 'string');
      if (strings.length > 0) {
        const [container, key] = rng.pick(strings);
        const text = String((container as Record<string | number, unknown>)[key]);
        const at = rng.int(text.length + 1);
        (container as Record<string | number, unknown>)[key] = `${text.slice(0, at)}\u0000${text.slice(at)}`;
      }
    } else if (all.length > 0 && r < 0.8) {
      const [container, key] = rng.pick(all);
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key as string];
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      (value as Record<string, unknown>)[rng.pick(['extra', '\u0000', 'status', 'id', '__proto__x', 'x'.repeat(300)])] = oddValue(rng);
    }
  }
  return value;
}

interface Spec {
  op: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Sign the body as Stripe would (the webhook route), so odd events get past the signature. */
  sign?: boolean;
  mcp?: boolean;
}

interface Fixtures {
  credentials: Record<string, string | undefined>;
  ids: Record<string, string>;
  tools: { name: string; inputSchema: Json }[];
  webhookUrl: string;
}

/** What a path's ids stand for, so most requests name a real fixture and go past the lookup. */
function fixtureFor(path: string, name: string, fx: Fixtures, rng: Rng): string {
  if (name === 'delivery_id') return fx.ids.delivery!;
  if (path.startsWith('/api/v1/tasks/') || path.startsWith('/api/v1/admin/tasks/')) return rng.pick([fx.ids.openTask!, fx.ids.fundedTask!, fx.ids.activeTask!]);
  if (path.startsWith('/api/v1/admin/professionals/')) return fx.ids.professional!;
  if (path.startsWith('/api/v1/admin/users/')) return fx.ids.client!;
  if (path.startsWith('/api/v1/api-keys/')) return fx.ids.spareKey!;
  if (path.startsWith('/api/v1/webhook-endpoints/')) return fx.ids.endpoint!;
  if (path.startsWith('/api/v1/payments/checkout/')) return fx.ids.checkout!;
  return 'x_1';
}

const ODD_PATH_IDS = (real: string) => [
  `${real}%00`,
  '%00',
  `${real.split('_')[0]}_%00abc`,
  'x'.repeat(5_000),
  `${real}${'A'.repeat(200)}`,
  `usr_${real.split('_')[1] ?? 'abc'}`,
  '%F0%9F%98%80',
  '%ED%A0%80',
  '%2F..%2Fauth',
  '-1',
  '1e309',
  `${real.split('_')[0]}_`,
  enc('task_\u202e'),
];

/** encodeURIComponent, except that an unpaired surrogate (which it refuses) goes as the bytes UTF-8 would give it. */
function enc(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.split('').map((ch) => (/\p{Cs}/u.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
  }
}

function dec(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function encodeQuery(pairs: [string, string][]): string {
  return pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`;
}

function buildSpec(doc: Json, op: string, pathTemplate: string, method: string, operation: Json, fx: Fixtures, rng: Rng): Spec {
  const headers: Record<string, string> = {};
  const params: Json[] = operation.parameters ?? [];

  // Credentials: none, a broken one, or a role (which may or may not be the route's).
  const who = rng.pick(Object.keys(fx.credentials));
  const credential = fx.credentials[who];
  if (credential) {
    if (who === 'clientKeyHeader') headers['X-API-Key'] = credential;
    else headers.Authorization = `Bearer ${credential}`;
  }

  let path = pathTemplate;
  for (const param of params.filter((p) => p.in === 'path')) {
    const real = fixtureFor(pathTemplate, param.name, fx, rng);
    const value = rng.chance(0.35) ? rng.pick(ODD_PATH_IDS(real)) : enc(real);
    path = path.replace(`{${param.name}}`, value);
  }

  const query: [string, string][] = [];
  for (const param of params.filter((p) => p.in === 'query')) {
    const r = rng.next();
    if (r < 0.3) continue;
    const good = enc(String(sample(doc, param.schema ?? {}, rng)));
    query.push([param.name, r < 0.55 ? good : rng.chance(0.5) ? rng.pick(ODD_RAW) : enc(String(oddValue(rng)).slice(0, 3_000))]);
    if (rng.chance(0.05)) query.push([param.name, rng.pick(ODD_RAW)]);
  }
  if (rng.chance(0.1)) query.push([rng.pick(['extra', '%00', 'limit%00']), rng.pick(ODD_RAW)]);
  if (op === 'GET /api/v1/tasks/{id}/wait') {
    // A valid timeout above 1 s (or none: 25 s) would hold the request open; every other odd value stays.
    const at = query.findIndex(([k]) => k === 'timeout');
    const value = at >= 0 ? Number(dec(query[at]![1]).trim()) : NaN;
    if (at < 0) query.push(['timeout', '1']);
    else if (Number.isInteger(value) && value > 1) query[at] = ['timeout', '1'];
  }
  path += encodeQuery(query);

  if (params.some((p) => p.in === 'header' && p.name === 'Idempotency-Key') && rng.chance(0.3)) {
    headers['Idempotency-Key'] = rng.pick(['', 'k'.repeat(256), 'k'.repeat(255), '%00', '\tkey', ' spaced key ', `fuzz-${rng.int(1e9)}`, `fuzz-${rng.int(1e9)}`, 'fuzz-fixed']);
  }

  let body: string | undefined;
  const content = operation.requestBody?.content?.['application/json'];
  if (content && (operation.requestBody.required || rng.chance(0.6))) {
    const value = mutate(sample(doc, content.schema ?? {}, rng), rng);
    body = JSON.stringify(value) ?? 'null';
    const r = rng.next();
    if (r < 0.04) body = rng.pick(['{"a":', '{"x":1}garbage', '\u0000', '{"budget_amount": 1e400}', '[' .repeat(2_000), '"\\ud800"', '{"title":"\\u0000"}']);
    else if (r < 0.06) body = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
  } else if (method !== 'get' && rng.chance(0.05)) {
    body = '{"unexpected":"\\u0000"}';
  }
  if (body !== undefined) headers['Content-Type'] = rng.chance(0.05) ? rng.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) : 'application/json';

  const sign = op === 'POST /webhooks/stripe' && rng.chance(0.5);
  if (op === 'POST /webhooks/stripe' && !sign && rng.chance(0.5)) headers['Stripe-Signature'] = rng.pick(['t=1,v1=00', '', 'garbage', `t=${Date.now()},v1=${'a'.repeat(64)}`]);
  return { op, method: method.toUpperCase(), path, headers, body, sign };
}

/** A JSON-RPC message to /mcp: mostly tools/call with arguments built from the tool's schema and then mutated. */
function buildMcpSpec(doc: Json, fx: Fixtures, rng: Rng): Spec {
  const spec = buildSpec(doc, 'POST /mcp', '/mcp', 'post', { parameters: [] }, fx, rng);
  // A signed-in caller most of the time: otherwise every call stops at the 401.
  if (rng.chance(0.7)) {
    delete spec.headers['X-API-Key'];
    spec.headers.Authorization = `Bearer ${rng.pick([fx.credentials.client, fx.credentials.clientKey, fx.credentials.professional])}`;
  }
  spec.headers.Accept = rng.chance(0.95) ? 'application/json, text/event-stream' : rng.pick(['text/html', 'application/json']);
  spec.headers['Content-Type'] = 'application/json';
  const tool = rng.pick(fx.tools);
  let args: unknown = sample(doc, tool.inputSchema, rng);
  if (args && typeof args === 'object' && 'task_id' in args) (args as Record<string, unknown>).task_id = rng.pick([fx.ids.openTask, fx.ids.fundedTask, fx.ids.activeTask]);
  if (rng.chance(0.85)) args = mutate(args, rng);
  if (tool.name === 'wait_for_task' && args && typeof args === 'object' && !Array.isArray(args)) {
    const timeout = (args as Record<string, unknown>).timeout;
    if (timeout === undefined || (typeof timeout === 'number' && Number.isInteger(timeout) && timeout > 1)) (args as Record<string, unknown>).timeout = 1;
  }
  let message: Json = { jsonrpc: '2.0', id: rng.int(1e6), method: 'tools/call', params: { name: tool.name, arguments: args } };
  const r = rng.next();
  if (r < 0.03) message = { ...message, params: [tool.name, args] };
  else if (r < 0.06) message = { ...message, params: { name: `${tool.name}\u0000`, arguments: args } };
  else if (r < 0.08) message = { ...message, method: rng.pick(['tools/list', 'ping', 'resources/list', 'initialize\u0000', 'prompts/get']) };
  else if (r < 0.1) message = { ...message, id: rng.pick([1e308, '\u0000', null, [], {}]) };
  else if (r < 0.12) message = rng.pick([[], 42, 'x', null, [message, message], { jsonrpc: '1.0' }]);
  spec.body = JSON.stringify(message) ?? 'null';
  spec.mcp = true;
  return spec;
}

async function send(spec: Spec): Promise<ApiResponse> {
  const headers = { ...spec.headers };
  if (spec.sign && spec.body !== undefined) headers['Stripe-Signature'] = await signatureFor(spec.body);
  return call(spec.path, { method: spec.method, headers, body: spec.body, raw: true });
}

const ERROR_CODES = new Set(Object.keys(ERROR_STATUS));

/** What is wrong with a response, or null: a 5xx, an error outside the error shape, or an MCP tool's INTERNAL. */
function problem(spec: Spec, res: ApiResponse): string | null {
  if (res.status >= 500) return `status ${res.status}`;
  if (res.status >= 400) {
    const error = (res.body as Json)?.error;
    if (typeof res.body !== 'object' || !error || typeof error !== 'object') return `error not in the error shape: ${res.text.slice(0, 200)}`;
    if (!ERROR_CODES.has(error.code) || typeof error.message !== 'string' || typeof error.request_id !== 'string') return `error shape: ${res.text.slice(0, 200)}`;
    if (ERROR_STATUS[error.code as keyof typeof ERROR_STATUS] !== res.status) return `code ${error.code} on status ${res.status}`;
    return null;
  }
  if (spec.mcp && res.status === 200 && typeof res.body === 'object') {
    for (const message of [res.body].flat() as Json[]) {
      const result = message?.result;
      if (!result?.isError) continue;
      let parsed: Json;
      try {
        parsed = JSON.parse(result.content?.[0]?.text ?? '');
      } catch {
        return `MCP tool error not the REST error body: ${JSON.stringify(result).slice(0, 200)}`;
      }
      if (!ERROR_CODES.has(parsed?.error?.code) || typeof parsed.error.message !== 'string') return `MCP tool error shape: ${JSON.stringify(parsed).slice(0, 200)}`;
      if (parsed.error.code === 'INTERNAL' || ERROR_STATUS[parsed.error.code as keyof typeof ERROR_STATUS] >= 500) return `MCP tool ${parsed.error.code}`;
    }
  }
  return null;
}

/** An unsigned token naming a NUL id: must be a 401 like any bad token, never a lookup. */
const GARBAGE_TOKEN = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c3JfXHUwMDAwIn0.';

async function fixtures(): Promise<Fixtures> {
  const client = await quickAccount('ai_client');
  const professional = await quickVerifiedProfessional();
  const admin = await quickAccount('admin');
  const key = await call('/api/v1/api-keys', { token: client.token, body: { name: 'fuzz agent' } });
  const spare = await call('/api/v1/api-keys', { token: client.token, body: { name: 'fuzz spare' } });
  const openTask = await createTask(client);
  const fundedTask = await createTask(client);
  await fundTask(client, fundedTask.id, 15);
  const activeTask = await createTask(client);
  await fundTask(client, activeTask.id, 15);
  const accepted = await call(`/api/v1/tasks/${activeTask.id}/accept`, { method: 'POST', token: professional.token });
  const { checkout } = await openCheckout(client, openTask.id, 15);
  const webhookUrl = receiverPath().url;
  const endpoint = await call('/api/v1/webhook-endpoints', { token: client.token, body: { url: webhookUrl, events: ['task.funded'] } });
  const tools = await call('/mcp', {
    token: client.token,
    headers: { Accept: 'application/json, text/event-stream' },
    body: { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} },
  });
  for (const res of [key, spare, accepted, endpoint, tools]) if (res.status >= 300) throw new Error(`fixture: ${res.status} ${res.text}`);
  return {
    credentials: {
      none: undefined,
      garbage: GARBAGE_TOKEN,
      client: client.token,
      clientKey: key.body.key,
      clientKeyHeader: key.body.key,
      professional: professional.token,
      admin: admin.token,
    },
    ids: {
      client: client.id,
      professional: professional.id,
      openTask: openTask.id,
      fundedTask: fundedTask.id,
      activeTask: activeTask.id,
      checkout: checkout.id,
      spareKey: spare.body.id,
      endpoint: endpoint.body.id,
      delivery: 'del_0000000000000000',
    },
    tools: tools.body.result.tools,
    webhookUrl,
  };
}

/**
 * Keeps the run to itself: webhook URLs in generated bodies point at the suite's receiver, so deliveries never leave
 * the machine, and the documents' example email becomes one only this request uses, so no other test finds it taken.
 */
function keepToItself(spec: Spec, webhookUrl: string, n: number): Spec {
  if (spec.body?.includes('https://agent.example.com/hooks')) spec.body = spec.body.replaceAll(/https:\/\/agent\.example\.com\/hooks[^"]*/g, webhookUrl);
  if (spec.body?.includes('agent@example.com')) spec.body = spec.body.replaceAll('agent@example.com', `fuzz-${n}@example.test`);
  return spec;
}

describe('fuzzing the OpenAPI document', () => {
  it(`answers ${TOTAL} odd requests without a 5xx, every error in the error shape`, { timeout: 900_000 }, async () => {
    const doc = (await call('/openapi.json')).body as Json;
    const fx = await fixtures();
    const rng = prng(20260314);

    const operations = Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
      Object.entries<Json>(item).map(([method, operation]) => ({ op: `${method.toUpperCase()} ${path}`, path, method, operation })),
    );
    const weights = operations.map(({ op }) => SHARE[op] ?? 1);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const specs: Spec[] = [];
    operations.forEach(({ op, path, method, operation }, i) => {
      const count = i === operations.length - 1 ? TOTAL - specs.length : Math.round((TOTAL * weights[i]!) / weightSum);
      for (let n = 0; n < count; n++) {
        const spec = op === 'POST /mcp' ? buildMcpSpec(doc, fx, rng) : buildSpec(doc, op, path, method, operation, fx, rng);
        specs.push(keepToItself(spec, fx.webhookUrl, specs.length));
      }
    });
    // Interleaved, so the concurrent requests are of different operations, as in production.
    for (let i = specs.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [specs[i], specs[j]] = [specs[j]!, specs[i]!];
    }
    expect(specs).toHaveLength(TOTAL);

    const statuses = new Map<number, number>();
    const byOperation = new Map<string, Map<number, number>>();
    const failures: string[] = [];
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < specs.length) {
        const spec = specs[next++]!;
        const res = await send(spec);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const seen = byOperation.get(spec.op) ?? new Map<number, number>();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        byOperation.set(spec.op, seen);
        const wrong = problem(spec, res);
        if (wrong && failures.length < 50) failures.push(`${spec.method} ${spec.path.slice(0, 160)} ${spec.body?.slice(0, 160) ?? ''}: ${wrong}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);

    const list = (m: Map<number, number>) => [...m].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ');
    console.log(
      [
        `fuzz: ${specs.length} requests over ${operations.length} operations in ${seconds} s (${CONCURRENCY} at a time)`,
        `statuses: ${list(statuses)}`,
        ...[...byOperation].sort(([a], [b]) => a.localeCompare(b)).map(([op, m]) => `  ${op}: ${list(m)}`),
      ].join('\n'),
    );
    expect(failures).toEqual([]);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  });
});
