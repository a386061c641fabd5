/**
 * What an MCP tool is here: a name and a description an LLM can act on, a zod input schema (the same schema the
 * REST route validates with, wherever one exists), a zod output schema, the roles the matching REST route allows,
 * and a `run` that calls the same service as that route. Listing turns the zod schemas into JSON Schema; calling
 * validates the arguments, checks the role, runs, and turns any ApiError into a tool error.
 */
import { getOpenApiMetadata } from '@asteasolutions/zod-to-openapi';
import { z } from '@hono/zod-openapi';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Caller } from '../context';
import type { Db } from '../db/client';
import type { AppEnv } from '../env';
import { ApiError, errorBody, logInternalError, toApiError } from '../lib/errors';
import { unstorableText, validationError, type Issue } from '../lib/router';
import { requireRole } from '../middleware/auth';
import { answerOnce, MAX_KEY_LENGTH, requestFingerprint, storedKey } from '../services/idempotency';

/** What a tool may use from the request: nothing else of HTTP reaches it. */
export interface ToolContext {
  db: Db;
  env: AppEnv;
  caller: Caller;
  requestId: string;
  /** The API's own origin, for the links a tool hands out. */
  origin: string;
  /** Work that must outlive the response (e.g. Stripe calls made after commit): PaymentsContext.defer. */
  defer: (work: () => Promise<unknown>) => void;
  /** The HTTP request's signal: aborted when the client goes away, so a waiting tool can stop. */
  signal?: AbortSignal;
}

export interface ToolOutcome<T> {
  /** The tool's structured result; it matches the output schema. */
  result: T;
  /** One or two sentences for the model: what happened and what to do next. */
  summary: string;
}

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  /** Who may call it: the roles the matching REST route allows (none listed: any signed-in account). */
  roles: Caller['role'][];
  /**
   * The REST operation the tool does the same as, as `METHOD /path` in /openapi.json; that operation's operationId
   * is the tool's name, so an agent can tell they are one action (a test holds the two together).
   */
  operation?: `${'GET' | 'POST' | 'DELETE'} /${string}`;
  input: I;
  output: O;
  annotations?: Tool['annotations'];
  /**
   * For a tool whose answer lists what is wrong with its arguments (quote_task), as its REST route answers 200 with
   * the schema's failures: called instead of failing with VALIDATION_ERROR, with the arguments as sent.
   */
  invalidArguments?(ctx: ToolContext, args: unknown, issues: readonly Issue[]): Promise<ToolOutcome<z.output<O>>>;
  // Method syntax: a list of tools with different schemas is then one array type.
  run(ctx: ToolContext, args: z.output<I>): Promise<ToolOutcome<z.output<O>>>;
}

export const defineTool = <I extends z.ZodObject, O extends z.ZodType>(tool: ToolDefinition<I, O>): ToolDefinition<I, O> => tool;

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

/** A tool that changes something (not marked read-only): it takes an idempotency_key, as its REST route takes Idempotency-Key. */
export const takesIdempotencyKey = (tool: ToolDefinition): boolean => tool.annotations?.readOnlyHint !== true;

const IdempotencyKeyArgument = z.string().min(1).max(MAX_KEY_LENGTH).optional().meta({
  description:
    'Optional, 1..255 characters. Calling again with the same key and arguments within 24 h returns the first result without acting again (same as the REST Idempotency-Key header).',
});

/** The arguments a tool takes: its schema, plus idempotency_key for a tool that changes something. Built once per tool. */
const argumentSchemas = new Map<string, z.ZodObject>();
function argumentsOf(tool: ToolDefinition): z.ZodObject {
  let schema = argumentSchemas.get(tool.name);
  if (!schema) {
    schema = takesIdempotencyKey(tool) ? tool.input.safeExtend({ idempotency_key: IdempotencyKeyArgument }) : tool.input;
    argumentSchemas.set(tool.name, schema);
  }
  return schema;
}

export function listEntry(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchemaOf(argumentsOf(tool), 'input'),
    outputSchema: jsonSchemaOf(tool.output, 'output'),
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  };
}

/** A tool's result, and the HTTP status its REST route would have answered (what decides whether a retry replays it). */
interface Executed {
  status: number;
  result: CallToolResult;
}

function failed(ctx: ToolContext, thrown: unknown): Executed {
  const err = toApiError(thrown);
  if (err.code === 'INTERNAL') logInternalError(ctx.requestId, thrown);
  return { status: err.status, result: { isError: true, content: [{ type: 'text', text: JSON.stringify(errorBody(err, ctx.requestId)) }] } };
}

async function execute(ctx: ToolContext, run: (ctx: ToolContext) => Promise<ToolOutcome<unknown>>): Promise<Executed> {
  try {
    const { result, summary } = await run(ctx);
    return { status: 200, result: { content: [{ type: 'text', text: summary }], structuredContent: result as Record<string, unknown> } };
  } catch (thrown) {
    return failed(ctx, thrown);
  }
}

/**
 * With an idempotency_key, the tool runs under the same guarantee as a REST request with an Idempotency-Key (one
 * transaction acts and keeps the result; services/idempotency.ts), keyed by account and key, like REST's. The work
 * it leaves for after commit waits for that transaction to end.
 */
async function executeOnce(tool: ToolDefinition, ctx: ToolContext, key: string, args: Record<string, unknown>): Promise<Executed> {
  const fingerprint = await requestFingerprint(`MCP ${tool.name}`, '', JSON.stringify(args));
  const outcome = await answerOnce(ctx.db, { userId: ctx.caller.id, key: storedKey(ctx.caller, key), fingerprint }, ctx.defer, async (tx, defer) => {
    const executed = await execute({ ...ctx, db: tx, defer }, (runCtx) => tool.run(runCtx, args));
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
 * Runs a tool the way a route runs: arguments validated by the tool's schema (400 rules, named field by field), the
 * role checked (403), then the service. Errors come back as the REST error body, with isError set, so an agent
 * reads the same code, message and details either way.
 */
export async function callTool(tool: ToolDefinition, ctx: ToolContext, args: unknown): Promise<CallToolResult> {
  try {
    requireRole(ctx.caller, tool.roles);
    const parsed = argumentsOf(tool).safeParse(args ?? {});
    // The same refusal as the routes' hook: text the database cannot store is the caller's 400, by argument.
    const issues = parsed.success ? unstorableText(parsed.data) : (parsed.error.issues as readonly Issue[]);
    // A failed parse always has issues, so past this the arguments parsed.
    if (issues.length > 0) {
      if (!tool.invalidArguments) throw validationError('arguments', issues);
      return (await execute(ctx, (runCtx) => tool.invalidArguments!(runCtx, args ?? {}, issues))).result;
    }
    const { idempotency_key: key, ...toolArgs } = parsed.data as Record<string, unknown> & { idempotency_key?: string };
    const executed = typeof key === 'string' ? await executeOnce(tool, ctx, key, toolArgs) : await execute(ctx, (runCtx) => tool.run(runCtx, toolArgs));
    return executed.result;
  } catch (thrown) {
    return failed(ctx, thrown).result;
  }
}
