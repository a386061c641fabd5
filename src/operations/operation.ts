/**
 * An operation: one thing the API does, declared once and served by two thin adapters, the REST route
 * (operations/rest.ts) and the MCP tool (mcp/tool.ts). The declaration holds everything both must agree on: the
 * name (the OpenAPI operationId and the MCP tool name), who may call it, its input and output schemas, whether a
 * retry with the same idempotency key replays the first answer, and `run`, which calls the services. Role checks,
 * idempotency and the error shape are enforced by the adapters from these fields, never restated by an operation.
 */
import type { ZodRequestBody } from '@asteasolutions/zod-to-openapi';
import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppBindings, Caller, VerifiedCredential } from '../context';
import type { Db } from '../db/client';
import type { AppEnv } from '../env';
import type { ErrorDetail } from '../lib/errors';

export type Role = Caller['role'];

/** What an operation may use from the request, whichever transport carried it. */
export interface OperationContext {
  db: Db;
  env: AppEnv;
  caller: Caller;
  requestId: string;
  /** The API's own origin, for the links an operation hands out. */
  origin: string;
  /** Work that must outlive the answer (Stripe calls made after commit, deliveries): PaymentsContext.defer. */
  defer: (work: () => Promise<unknown>) => void;
  /** Aborted when the client goes away, so a waiting operation can stop. */
  signal?: AbortSignal;
}

type Part = z.ZodObject | undefined;
type PartOutput<S extends Part> = S extends z.ZodObject ? z.output<S> : Record<string, never>;

/** The validated input: the path's ids, the query and the body, as the REST request has them. */
export interface OperationInput<P extends Part, Q extends Part, B extends Part> {
  params: PartOutput<P>;
  query: PartOutput<Q>;
  body: PartOutput<B>;
}

/** REST's own words and exceptions for an operation: everything HTTP-only. */
export interface RestBinding {
  tags: string[];
  summary: string;
  description: string;
  /** What the success response is, in the document. */
  outputDescription: string;
  /** The success response's example, where it should differ from the schema's own (a read showing a later status). */
  outputExample?: unknown;
  /** Statuses the operation itself answers, beyond what its roles and idempotency imply (e.g. 404, 409). */
  errors: (404 | 409 | 413 | 415 | 503)[];
  /** More paths serving the same operation under their own operationId (an alias such as /complete for /approve). */
  aliases?: { path: string; operationId: string; summary: string }[];
  /** A body that may be left out (it defaults to `{}`). */
  bodyOptional?: boolean;
  /**
   * For a body that is not JSON (an upload): its documentation, and how the route reads the input from the request.
   * The operation's body schema is then the MCP tool's form of the same input.
   */
  nonJsonBody?: { content: ZodRequestBody['content']; read(c: Context<AppBindings>): Promise<unknown> };
  /** Response headers the route sends, for the document; with `respond` that sends them. */
  responseHeaders?: z.ZodObject;
  /** The success response's body schema when REST answers something other than `output` (with `respond`). */
  responseBody?: z.ZodType;
  /** How REST answers a result, when not as `output` with `status`: e.g. part of it moved into headers. */
  respond?(c: Context<AppBindings>, result: unknown): Response;
  /**
   * A REST-only variant of the operation on the same route, taken before it runs (create_task's ?dry_run=true):
   * its own query schema (documented with the route), its own answer, and how it treats a body that fails the schema.
   */
  variant?: {
    query: z.ZodObject;
    response: { status: 200; schema: z.ZodType; description: string };
    applies(c: Context<AppBindings>): boolean;
    answer(ctx: OperationContext, body: unknown, issues: readonly ErrorDetail[]): Promise<unknown>;
  };
}

/** MCP's own words for an operation: what a model reads, and the one-line summary of a result. */
export interface McpBinding<O> {
  title: string;
  description: string;
  /** Path ids as tool arguments (REST's `{id}` is `task_id` to a model), with the schema a tool argument gets. */
  pathArgs?: Record<string, { name: string; schema: z.ZodType<string> }>;
  /** Read-only (no idempotency_key), destructive, open-world: the MCP annotations; idempotency follows `idempotent`. */
  annotations: { destructiveHint?: boolean; openWorldHint: boolean };
  summary(result: O): string;
}

export interface Operation<P extends Part = Part, Q extends Part = Part, B extends Part = Part, O extends z.ZodType = z.ZodType> {
  /** The OpenAPI operationId and, where the operation is a tool, the MCP tool name. */
  name: string;
  method: 'get' | 'post' | 'delete';
  /** Under /api/v1. */
  path: string;
  /** Who may call it: listed roles; `any` for any signed-in account; `public` for anyone (no credentials over REST). */
  roles: Role[] | 'any' | 'public';
  /** True: an Idempotency-Key (REST) or idempotency_key (MCP) makes a retry replay the first answer. */
  idempotent: boolean;
  params?: P;
  query?: Q;
  body?: B;
  output: O;
  status: 200 | 201;
  run(ctx: OperationContext, input: OperationInput<P, Q, B>): Promise<z.output<O>>;
  /**
   * A read whose own statement checks who is reading (one round trip, REST's hot path): given the verified credential
   * instead of a caller. The MCP tool has a caller already and uses `run`; both answer the same.
   */
  runWithCredential?(ctx: Omit<OperationContext, 'caller'>, credential: VerifiedCredential, input: OperationInput<P, Q, B>): Promise<z.output<O>>;
  /**
   * For an operation whose answer lists what is wrong with its input (quote_task): called with the input as sent and
   * the schema's failures instead of failing with VALIDATION_ERROR, by both transports.
   */
  answerInvalid?(ctx: OperationContext, raw: unknown, issues: readonly ErrorDetail[]): Promise<z.output<O>>;
  rest: RestBinding;
  /** Present when the operation is also an MCP tool. */
  mcp?: McpBinding<z.output<O>>;
}

/** Infers an operation's types from its declaration. */
export const defineOperation = <P extends Part = undefined, Q extends Part = undefined, B extends Part = undefined, O extends z.ZodType = z.ZodType>(
  op: Operation<P, Q, B, O>,
): Operation<P, Q, B, O> => op;

/** Any operation, whatever its schemas: what the adapters take. Method syntax in Operation makes this assignable. */
export type AnyOperation = Operation<z.ZodObject | undefined, z.ZodObject | undefined, z.ZodObject | undefined, z.ZodType>;

/** The roles an adapter enforces: an empty list allows any signed-in account. */
export const rolesOf = (op: Pick<AnyOperation, 'roles'>): Role[] => (Array.isArray(op.roles) ? op.roles : []);
