/**
 * The MCP server at /mcp: Streamable HTTP, stateless, JSON responses. Each POST stands alone (no session id is handed
 * out, nothing of a session lives in the isolate), so any isolate can serve any request, as for the REST API; no tool
 * sends progress, so answers are JSON, never an SSE stream.
 *
 * Written here rather than on the SDK's Server and transport: a stateless, tools-only server is five JSON-RPC methods
 * (initialize, ping, tools/list, tools/call, notifications), and the SDK's server, transport and JSON Schema validator
 * were about 80 KiB of the minified Worker. The SDK's own client drives it in the tests (test/mcp.test.ts), so the
 * protocol is checked against the reference implementation.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { ApiError } from '../lib/errors';
import type { OperationContext } from '../operations/operation';
import { callTool, listEntry } from './tool';
import { TOOLS } from './tools';

export const SERVER_INFO = { name: 'gohirehumans', title: 'GoHireHumans', version: '1.0.0' };

const INSTRUCTIONS = [
  'GoHireHumans lets you hire verified human professionals for work that needs a person: phone calls, errands, inspections, research, writing, transcription.',
  'Workflow: list_categories, then create_task (it starts open and unfunded), then fund_task: it returns a checkout_url (Stripe Checkout) for whoever pays, valid until expires_at.',
  'Once the payment goes through, get_task shows funding.status funded and the task is listed; a verified professional accepts it (in_progress) and delivers (submitted).',
  'wait_for_task with until ["submitted"] returns as soon as the work is delivered (or with timed_out true when its timeout, 25 s by default, runs out: call it again); read result, then approve_task (releases the escrow to the professional) or request_revision with what to fix.',
  'cancel_task withdraws a task nobody has accepted yet and refunds its escrow; dispute_task holds the escrow for the platform to decide when delivered work cannot be fixed. get_balance and list_transactions show your money. Money is in US dollars with at most 2 decimals.',
  'An API key may carry spending limits (max_task_amount, daily_limit) on create_task and fund_task. Errors come back as the REST API error body: {"error": {"code", "message", "details"}}.',
].join('\n');

/** Derived from constant schemas, so computed once per isolate and shared: no request state in it. */
let listed: Tool[] | undefined;
const listedTools = () => (listed ??= TOOLS.map(listEntry));

/** Newest first; initialize answers the client's version when it is one of these, else the newest. */
const PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'];
const MAX_BATCH = 100;

/** JSON-RPC 2.0 error codes the server answers with. */
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;

interface JsonRpcRequest {
  jsonrpc: '2.0';
  id?: string | number;
  method: string;
  params?: Record<string, unknown>;
}

/** A refusal of the request as a whole: the 400 every other malformed request gets, naming what was wrong. */
const refused = (path: string, message: string, code: 'VALIDATION_ERROR' | 'INVALID_JSON' = 'VALIDATION_ERROR') =>
  new ApiError(code, `MCP: ${message}`, { details: [{ path, message }] });

function isMessage(value: unknown): value is JsonRpcRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const m = value as Record<string, unknown>;
  if (m.jsonrpc !== '2.0') return false;
  // A response or an error from the client (to a request we never send) is a message too: accepted and ignored.
  if (m.method === undefined) return 'result' in m || 'error' in m;
  if (typeof m.method !== 'string') return false;
  if (m.id !== undefined && typeof m.id !== 'string' && (typeof m.id !== 'number' || !Number.isFinite(m.id))) return false;
  return m.params === undefined || (typeof m.params === 'object' && m.params !== null && !Array.isArray(m.params));
}

/** What the transport checks before any message is read, as the Streamable HTTP spec asks. */
function checkTransport(request: Request): void {
  const accept = request.headers.get('Accept') ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
    throw refused('Accept', 'Not Acceptable: Client must accept both application/json and text/event-stream');
  }
  if (!(request.headers.get('Content-Type') ?? '').includes('application/json')) {
    throw refused('Content-Type', 'Unsupported Media Type: Content-Type must be application/json', 'INVALID_JSON');
  }
  const version = request.headers.get('MCP-Protocol-Version');
  if (version !== null && !PROTOCOL_VERSIONS.includes(version)) {
    throw refused('MCP-Protocol-Version', `Bad Request: Unsupported protocol version: ${version} (supported versions: ${PROTOCOL_VERSIONS.join(', ')})`);
  }
}

async function answer(message: JsonRpcRequest, ctx: OperationContext): Promise<unknown> {
  const params = message.params ?? {};
  switch (message.method) {
    case 'initialize': {
      const asked = params.protocolVersion;
      const protocolVersion = typeof asked === 'string' && PROTOCOL_VERSIONS.includes(asked) ? asked : PROTOCOL_VERSIONS[0];
      return { result: { protocolVersion, capabilities: { tools: {} }, serverInfo: SERVER_INFO, instructions: INSTRUCTIONS } };
    }
    case 'ping':
      return { result: {} };
    case 'tools/list':
      return { result: { tools: listedTools() } };
    case 'tools/call': {
      if (typeof params.name !== 'string') return { error: { code: INVALID_PARAMS, message: 'params.name must be a tool name' } };
      const tool = TOOLS.find((t) => t.name === params.name);
      // A protocol error, as the MCP spec asks for an unknown tool; a tool's own failures are tool results.
      if (!tool) return { error: { code: INVALID_PARAMS, message: `Unknown tool: ${params.name}` } };
      return { result: await callTool(tool, ctx, params.arguments) };
    }
    default:
      return { error: { code: METHOD_NOT_FOUND, message: `Method not found: ${message.method}` } };
  }
}

/** Answers one POST /mcp for an already authenticated caller. */
export async function handleMcpRequest(request: Request, ctx: OperationContext): Promise<Response> {
  checkTransport(request);
  let body: unknown;
  try {
    body = JSON.parse(await request.text());
  } catch {
    throw refused('(body)', 'Parse error: Invalid JSON', 'INVALID_JSON');
  }
  const batch = Array.isArray(body);
  const messages: unknown[] = batch ? (body as unknown[]) : [body];
  if (messages.length === 0 || messages.length > MAX_BATCH) throw refused('(body)', `Invalid Request: a batch holds 1..${MAX_BATCH} messages`);
  if (!messages.every(isMessage)) throw refused('(body)', 'Parse error: Invalid JSON-RPC message');
  if (messages.filter((m) => m.method === 'initialize').length > 0 && messages.length > 1) {
    throw refused('(body)', 'Invalid Request: Only one initialization request is allowed');
  }

  // Notifications (no id) and the client's responses are taken and need no answer.
  const requests = messages.filter((m) => m.method !== undefined && m.id !== undefined);
  if (requests.length === 0) return new Response(null, { status: 202 });
  const answers = [];
  for (const message of requests) answers.push({ jsonrpc: '2.0', id: message.id, ...((await answer(message, ctx)) as object) });
  return Response.json(batch ? answers : answers[0]);
}
