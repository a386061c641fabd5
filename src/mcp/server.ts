/**
 * The MCP server at /mcp: Streamable HTTP, stateless. Each POST gets a fresh server and transport, answers, and
 * is closed, so nothing of a session lives in the isolate (any isolate can serve any request, as for the REST API).
 * JSON responses, not SSE streams: no tool here sends progress, so a stream would only add framing.
 *
 * The low-level `Server` with our own tools/list and tools/call handlers, not `McpServer`: McpServer converts schemas
 * through zod v3 compatibility code and zod-to-json-schema, about 24 KiB gzip more in the Worker, while zod v4's own
 * converter (already bundled) does the same job (see tool.ts).
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker-provider.js';
import { ApiError } from '../lib/errors';
import { callTool, listEntry, type ToolContext } from './tool';
import { TOOLS } from './tools';

export const SERVER_INFO = { name: 'gohirehumans', title: 'GoHireHumans', version: '1.0.0' };

const INSTRUCTIONS = [
  'GoHireHumans lets you hire verified human professionals for work that needs a person: phone calls, errands, inspections, research, writing, transcription.',
  'Workflow: list_categories, then create_task (it starts open and unfunded), then fund_task: it returns a checkout_url (Stripe Checkout) for whoever pays, valid until expires_at.',
  'Once the payment goes through, get_task shows funding.status funded and the task is listed; a verified professional accepts it (in_progress) and delivers (submitted).',
  'wait_for_task with until ["submitted"] returns as soon as the work is delivered (or with timed_out true when its timeout, 25 s by default, runs out: call it again); read result, then approve_task (releases the escrow to the professional) or request_revision with what to fix.',
  'cancel_task withdraws a task nobody has accepted yet and refunds its escrow; get_balance shows your money. Money is in US dollars with at most 2 decimals.',
  'An API key may carry spending limits (max_task_amount, daily_limit) on create_task and fund_task. Errors come back as the REST API error body: {"error": {"code", "message", "details"}}.',
].join('\n');

/** Derived from constant schemas, so computed once per isolate and shared: no request state in it. */
let listed: Tool[] | undefined;
const listedTools = () => (listed ??= TOOLS.map(listEntry));

function createServer(ctx: ToolContext): Server {
  const server = new Server(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions: INSTRUCTIONS,
    // Workers forbid run-time code generation, which the SDK's default (Ajv) validator relies on.
    jsonSchemaValidator: new CfWorkerJsonSchemaValidator(),
  });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listedTools() }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    const tool = TOOLS.find((t) => t.name === request.params.name);
    // A protocol error, as the MCP spec asks for an unknown tool; a tool's own failures are tool results.
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${request.params.name}`);
    return callTool(tool, ctx, request.params.arguments);
  });
  return server;
}

/** Answers one POST /mcp for an already authenticated caller. */
export async function handleMcpRequest(request: Request, ctx: ToolContext): Promise<Response> {
  const server = createServer(ctx);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  let response: Response;
  try {
    response = await transport.handleRequest(request);
  } finally {
    await server.close();
  }
  if (response.status >= 400 && response.status < 500) throw await transportRefusal(response);
  return response;
}

/** Which part of the request each of the transport's refusals is about. */
const REFUSED_PART: Record<number, string> = { 406: 'Accept', 415: 'Content-Type' };

/**
 * The transport refuses what it cannot take (not a JSON-RPC message, a wrong Accept or Content-Type) with a 4xx
 * and a JSON-RPC error body. The MCP spec leaves that body open, and this API's errors have one shape, so the
 * refusal becomes the 400 every other malformed request gets, with the transport's words.
 */
async function transportRefusal(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
  const said = typeof body?.error?.message === 'string' ? body.error.message : 'Not a valid MCP request.';
  const path = REFUSED_PART[response.status] ?? '(body)';
  return new ApiError(response.status === 415 ? 'INVALID_JSON' : 'VALIDATION_ERROR', `MCP: ${said}`, { details: [{ path, message: said }] });
}
