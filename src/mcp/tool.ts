/**
 * The MCP adapter: an operation (operations/operation.ts) as a tool. Its arguments are the operation's body or query
 * schema with the path ids as named arguments (task_id), plus idempotency_key where the operation takes an
 * Idempotency-Key; listing turns them into JSON Schema; calling validates them, checks the operation's roles, runs
 * the operation, and turns any ApiError into a tool error with the REST error body.
 */
import { getOpenApiMetadata } from '@asteasolutions/zod-to-openapi';
import { z } from '@hono/zod-openapi';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { ApiError, errorBody, logInternalError, toApiError } from '../lib/errors';
import { issuesToDetails, schemaIssues, validationError } from '../lib/router';
import { requireRole } from '../middleware/auth';
import { rolesOf, type AnyOperation, type McpBinding, type OperationContext, type OperationInput } from '../operations/operation';
import { answerOnce, MAX_KEY_LENGTH, requestFingerprint, storedKey } from '../services/idempotency';

/** An operation that is also a tool. */
export type McpTool = AnyOperation & { mcp: McpBinding<unknown> };

export const isTool = (op: AnyOperation): op is McpTool => op.mcp !== undefined;

/**
 * JSON Schema for a tool's arguments or result. The REST schemas carry their field descriptions and examples as
 * OpenAPI metadata, which zod's converter does not read; copying them here gives the model the same documentation
 * the OpenAPI document shows, from the same source.
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  const json = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema }) => {
      // Every schema here is a classic zod schema; the hook types its argument as the core interface they share.
      const meta = getOpenApiMetadata(zodSchema as unknown as z.ZodType);
      if (meta.description && jsonSchema.description === undefined) jsonSchema.description = meta.description;
      if (meta.example !== undefined && jsonSchema.examples === undefined) jsonSchema.examples = [meta.example];
    },
  });
  if (json.type !== 'object') throw new Error('an MCP tool schema must describe an object');
  return json as Tool['inputSchema'];
}

const IdempotencyKeyArgument = z.string().min(1).max(MAX_KEY_LENGTH).optional().meta({
  description:
    'Optional, 1..255 characters. Calling again with the same key and arguments within 24 h returns the first result without acting again (same as the REST Idempotency-Key header).',
});

const NoArguments = z.strictObject({});

/**
 * The arguments a tool takes, built once per tool: the body's schema (or the query's), the path ids under their
 * argument names, the query's fields beside a body, and idempotency_key where the operation takes one.
 */
const argumentSchemas = new Map<string, z.ZodObject>();
function argumentsOf(tool: McpTool): z.ZodObject {
  let schema = argumentSchemas.get(tool.name);
  if (!schema) {
    const pathArgs = Object.fromEntries(Object.values(tool.mcp.pathArgs ?? {}).map(({ name, schema }) => [name, schema]));
    const base = tool.body ?? tool.query ?? NoArguments;
    const beside = tool.body && tool.query ? tool.query.shape : {};
    schema = base.safeExtend({ ...pathArgs, ...beside, ...(tool.idempotent ? { idempotency_key: IdempotencyKeyArgument } : {}) });
    argumentSchemas.set(tool.name, schema);
  }
  return schema;
}

/** Parsed arguments as the operation's input: path ids by their path names, query fields, the rest the body. */
function inputOf(tool: McpTool, args: Record<string, unknown>): OperationInput<z.ZodObject, z.ZodObject, z.ZodObject> {
  const params: Record<string, unknown> = {};
  const query: Record<string, unknown> = {};
  const body: Record<string, unknown> = {};
  const pathNames = new Map(Object.entries(tool.mcp.pathArgs ?? {}).map(([param, { name }]) => [name, param]));
  const queryFields = new Set(Object.keys(tool.query?.shape ?? {}));
  for (const [name, value] of Object.entries(args)) {
    const param = pathNames.get(name);
    if (param !== undefined) params[param] = value;
    else if (queryFields.has(name)) query[name] = value;
    else body[name] = value;
  }
  return { params, query, body };
}

export function listEntry(tool: McpTool): Tool {
  return {
    name: tool.name,
    title: tool.mcp.title,
    description: tool.mcp.description,
    inputSchema: jsonSchemaOf(argumentsOf(tool), 'input'),
    outputSchema: jsonSchemaOf(tool.output, 'output'),
    // What takes no idempotency key changes nothing (operation.ts): reads, waits, quotes.
    annotations: tool.idempotent
      ? { readOnlyHint: false, destructiveHint: tool.mcp.annotations.destructiveHint ?? false, idempotentHint: false, openWorldHint: tool.mcp.annotations.openWorldHint }
      : { readOnlyHint: true, openWorldHint: tool.mcp.annotations.openWorldHint },
  };
}

/** A tool's result, and the HTTP status its REST route would have answered (what decides whether a retry replays it). */
interface Executed {
  status: number;
  result: CallToolResult;
}

function failed(ctx: OperationContext, thrown: unknown): Executed {
  const err = toApiError(thrown);
  if (err.code === 'INTERNAL') logInternalError(ctx.requestId, thrown);
  return { status: err.status, result: { isError: true, content: [{ type: 'text', text: JSON.stringify(errorBody(err, ctx.requestId)) }] } };
}

async function execute(tool: McpTool, ctx: OperationContext, run: (ctx: OperationContext) => Promise<unknown>): Promise<Executed> {
  try {
    const result = await run(ctx);
    return { status: 200, result: { content: [{ type: 'text', text: tool.mcp.summary(result) }], structuredContent: result as Record<string, unknown> } };
  } catch (thrown) {
    return failed(ctx, thrown);
  }
}

/**
 * With an idempotency_key, the tool runs under the same guarantee as a REST request with an Idempotency-Key (one
 * transaction acts and keeps the result; services/idempotency.ts), keyed by account and key, like REST's. The work
 * it leaves for after commit waits for that transaction to end.
 */
async function executeOnce(tool: McpTool, ctx: OperationContext, key: string, args: Record<string, unknown>): Promise<Executed> {
  const fingerprint = await requestFingerprint(`MCP ${tool.name}`, '', JSON.stringify(args));
  const outcome = await answerOnce(ctx.db, { userId: ctx.caller.id, key: storedKey(ctx.caller, key), fingerprint }, ctx.defer, async (tx, defer) => {
    const executed = await execute(tool, { ...ctx, db: tx, defer }, (runCtx) => tool.run(runCtx, inputOf(tool, args)));
    return { result: executed, stored: { status: executed.status, body: JSON.stringify(executed.result), contentType: 'application/json' } };
  });
  if (outcome.kind === 'acted') return outcome.result;
  if (outcome.kind === 'replay') {
    const result = JSON.parse(outcome.answer.body) as CallToolResult;
    return { status: outcome.answer.status, result: { ...result, _meta: { ...result._meta, idempotent_replayed: true } } };
  }
  if (outcome.kind === 'mismatch') {
    throw new ApiError('IDEMPOTENCY_MISMATCH', 'This idempotency_key was already used with different arguments or another tool. Use a new key.');
  }
  throw new ApiError('CONFLICT', 'A call with this idempotency_key is still being processed. Retry shortly.');
}

/**
 * Runs a tool the way its route runs: the operation's roles checked (403), the arguments validated by the
 * operation's schemas (400, named field by field), then the operation. Errors come back as the REST error body,
 * with isError set, so an agent reads the same code, message and details either way.
 */
export async function callTool(tool: McpTool, ctx: OperationContext, args: unknown): Promise<CallToolResult> {
  try {
    requireRole(ctx.caller, rolesOf(tool));
    const parsed = argumentsOf(tool).safeParse(args ?? {});
    // The same refusal as the routes' hook: text the database cannot store is the caller's 400, by argument.
    const issues = schemaIssues(parsed);
    if (issues.length > 0) {
      if (!tool.answerInvalid) throw validationError('arguments', issues);
      return (await execute(tool, ctx, (runCtx) => tool.answerInvalid!(runCtx, args ?? {}, issuesToDetails(issues)))).result;
    }
    // A failed parse always has issues, so past this the arguments parsed.
    const { idempotency_key: key, ...toolArgs } = parsed.data as Record<string, unknown> & { idempotency_key?: string };
    const executed =
      typeof key === 'string' ? await executeOnce(tool, ctx, key, toolArgs) : await execute(tool, ctx, (runCtx) => tool.run(runCtx, inputOf(tool, toolArgs)));
    return executed.result;
  } catch (thrown) {
    return failed(ctx, thrown).result;
  }
}
