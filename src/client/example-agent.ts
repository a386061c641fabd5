/**
 * An example agent: the whole workflow against the sandbox, with the typed client and no person or money involved.
 *
 *   npx tsx src/client/example-agent.ts [origin]       (default http://127.0.0.1:8787, i.e. `npm run dev`)
 *
 * It signs up, makes a test-mode API key, quotes and posts a task whose `metadata.sandbox_outcome` is `complete`, funds
 * it (the sandbox pays a test checkout at once), waits while the simulated professional accepts and submits, reads
 * the result and approves it, and prints each step. CI runs it against the Worker (test/browser/example-agent.test.ts).
 */
import { createApiClient, type ApiClient, type Schema } from './index';

export interface AgentRun {
  taskId: string;
  result: string | null;
  finalStatus: string;
  /** What the task cost, as quoted before it was posted. */
  quotedTotal: number;
  steps: string[];
}

/** The answer's data, or an Error naming the API's error code and request id. */
function must<T>(what: string, answer: { data?: T; error?: unknown; response: Response }): T {
  if (answer.data !== undefined) return answer.data;
  throw new Error(`${what}: ${answer.response.status} ${JSON.stringify(answer.error)}`);
}

const TASK: Schema<'CreateTaskRequest'> = {
  title: 'Confirm the venue booking',
  description: 'Call the venue, confirm the booking for 40 people on Friday at 7 pm, and note the contact name.',
  category: 'business_calls',
  location_type: 'remote',
  budget_amount: 30,
  budget_type: 'fixed',
  metadata: { sandbox_outcome: 'complete', order_ref: 'EX-1' },
};

async function testKeyFor(origin: string, log: (line: string) => void): Promise<ApiClient> {
  const anonymous = createApiClient({ baseUrl: origin });
  const email = `example-agent-${crypto.randomUUID()}@example.com`;
  const password = 'example agent password';
  must('register', await anonymous.POST('/auth/register', { body: { email, password, full_name: 'Example Agent', role: 'ai_client' } }));
  const { access_token } = must('login', await anonymous.POST('/auth/login', { body: { email, password } }));
  const signedIn = createApiClient({ baseUrl: origin, credential: access_token });
  const key = must('api key', await signedIn.POST('/api/v1/api-keys', { body: { name: 'example agent (sandbox)', mode: 'test' } }));
  if (!key.key) throw new Error('the new key was not shown');
  log(`signed up as ${email}; test key ${key.prefix}...`);
  return createApiClient({ baseUrl: origin, credential: key.key });
}

export async function runExampleAgent(origin: string, log: (line: string) => void = console.log): Promise<AgentRun> {
  const steps: string[] = [];
  const say = (line: string) => {
    steps.push(line);
    log(line);
  };
  const api = await testKeyFor(origin, say);

  const quote = must('quote', await api.POST('/api/v1/tasks/quote', { body: TASK }));
  const total = quote.total_to_fund;
  if (!quote.valid || total === null) throw new Error(`the task would be refused: ${JSON.stringify(quote.errors)}`);
  say(`quote: fund ${total} USD, the professional receives ${quote.professional_receives} USD`);

  const posted = must('post', await api.POST('/api/v1/tasks', { body: TASK, params: { header: { 'Idempotency-Key': crypto.randomUUID() } } }));
  if (!('id' in posted)) throw new Error('expected a task, got a quote');
  say(`posted ${posted.id} (livemode ${posted.livemode})`);

  const checkout = must(
    'checkout',
    await api.POST('/api/v1/payments/checkout', {
      body: { task_id: posted.id, amount: total, success_url: `${origin}/done`, cancel_url: `${origin}/cancel` },
    }),
  );
  say(`checkout ${checkout.id} opened; the sandbox pays it`);

  // Long-polls until the simulated professional has submitted (or the task ends some other way).
  let task = posted;
  for (let round = 0; round < 10 && !['submitted', 'completed', 'canceled', 'disputed'].includes(task.status); round++) {
    task = must(
      'wait',
      await api.GET('/api/v1/tasks/{id}/wait', { params: { path: { id: posted.id }, query: { until: 'submitted,completed,canceled,disputed', timeout: 20 } } }),
    );
    say(`status ${task.status}`);
  }
  if (task.status !== 'submitted') throw new Error(`the task ended as ${task.status}, not submitted`);
  say(`result: ${task.result}`);

  const approved = must('approve', await api.POST('/api/v1/tasks/{id}/approve', { params: { path: { id: posted.id } }, body: { rating: 5 } }));
  say(`approved: ${approved.status}`);
  return { taskId: posted.id, result: task.result, finalStatus: approved.status, quotedTotal: total, steps };
}

// Run from the command line: `npx tsx src/client/example-agent.ts [origin]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  runExampleAgent(process.argv[2] ?? 'http://127.0.0.1:8787').catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
