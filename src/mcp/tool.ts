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
import { errorBody, logInternalError, toApiError } from '../lib/errors';
import { unstorableText, validationError } from '../lib/router';
import { requireRole } from '../middleware/auth';

/** What a tool may use from the request: nothing else of HTTP reaches it. */
export interface ToolContext {
  db: Db;
  env: AppEnv;
  caller: Caller;
  requestId: string;
  /** The API's own origin, for the links a tool hands out. */
  origin: string;
  /** Work that must outlive the response (e.g. Stripe calls made after commit). */
  waitUntil: (promise: Promise<unknown>) => void;
  /** The HTTP request's signal: aborted when the client goes away, so a waiting tool can stop. */
  signal?: AbortSignal;
}

export interface ToolOutcome<T> {
  /** The tool's structured result; it matches the output schema. */
  result: T;
  /** One or two sentences for the model: what happened and what to do next. */
  summary: string;
}

export interface ToolDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  /** Who may call it: the roles the matching REST route allows (none listed: any signed-in account). */
  roles: Caller['role'][];
  input: I;
  output: O;
  annotations?: Tool['annotations'];
  // Method syntax: a list of tools with different schemas is then one array type.
  run(ctx: ToolContext, args: z.output<I>): Promise<ToolOutcome<z.output<O>>>;
}

export const defineTool = <I extends z.ZodType, O extends z.ZodType>(tool: ToolDefinition<I, O>): ToolDefinition<I, O> => tool;

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

export function listEntry(tool: ToolDefinition): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchemaOf(tool.input, 'input'),
    outputSchema: jsonSchemaOf(tool.output, 'output'),
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  };
}

/**
 * Runs a tool the way a route runs: arguments validated by the tool's schema (400 rules, named field by field), the
 * role checked (403), then the service. Errors come back as the REST error body, with isError set, so an agent
 * reads the same code, message and details either way.
 */
export async function callTool(tool: ToolDefinition, ctx: ToolContext, args: unknown): Promise<CallToolResult> {
  try {
    requireRole(ctx.caller, tool.roles);
    const parsed = tool.input.safeParse(args ?? {});
    if (!parsed.success) throw validationError('arguments', parsed.error.issues);
    // The same refusal as the routes' hook: text the database cannot store is the caller's 400, by argument.
    const unstorable = unstorableText(parsed.data);
    if (unstorable.length > 0) throw validationError('arguments', unstorable);
    const { result, summary } = await tool.run(ctx, parsed.data);
    return { content: [{ type: 'text', text: summary }], structuredContent: result as Record<string, unknown> };
  } catch (thrown) {
    const err = toApiError(thrown);
    if (err.code === 'INTERNAL') logInternalError(ctx.requestId, thrown);
    return { isError: true, content: [{ type: 'text', text: JSON.stringify(errorBody(err, ctx.requestId)) }] };
  }
}
