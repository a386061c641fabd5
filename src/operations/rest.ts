/**
 * The REST adapter: an operation as a route of the OpenAPI router. Its credentials and roles (401, 403), its
 * Idempotency-Key, its schemas (400, the path's 404) and its documented statuses all come from the declaration.
 */
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deferrer, type AppBindings } from '../context';
import { errorResponses, json, jsonBody, signedIn } from '../lib/openapi';
import { issuesToDetails, schemaIssues, validationHook, type Router } from '../lib/router';
import { requireAuth, requireCredential } from '../middleware/auth';
import { idempotency, IdempotencyKeyHeader, idempotencyUnless } from '../middleware/idempotency';
import { rolesOf, type AnyOperation, type OperationContext } from './operation';

export function operationContext(c: Context<AppBindings>): OperationContext {
  return {
    db: c.var.db,
    env: c.env,
    // A public operation has no caller; reading one there is a bug, not a 401.
    get caller() {
      const caller = c.get('caller');
      if (!caller) throw new Error('an operation without sign-in read its caller');
      return caller;
    },
    requestId: c.var.requestId,
    origin: new URL(c.req.url).origin,
    defer: deferrer(c),
    signal: c.req.raw.signal,
  };
}

function middlewareOf(op: AnyOperation) {
  const auth = op.roles === 'public' ? [] : op.runWithCredential ? [requireCredential] : [requireAuth(...rolesOf(op))];
  const variant = op.rest.variant;
  const keyed = !op.idempotent ? [] : variant ? [idempotencyUnless((c) => variant.applies(c))] : [idempotency];
  return [...auth, ...keyed];
}

/** The statuses the route can answer besides success, from what the declaration says it does. */
function errorStatusesOf(op: AnyOperation) {
  const signed = op.roles === 'public' ? [] : ([401] as const);
  const roles = rolesOf(op).length > 0 ? ([403] as const) : [];
  const keyed = op.idempotent ? ([409, 422] as const) : [];
  return [...signed, ...roles, ...keyed, ...op.rest.errors];
}

function requestOf(op: AnyOperation) {
  const rest = op.rest;
  const body = rest.nonJsonBody
    ? { required: true, content: rest.nonJsonBody.content }
    : op.body
      ? rest.bodyOptional
        ? { required: false, content: { 'application/json': { schema: op.body } } }
        : jsonBody(op.body)
      : undefined;
  return {
    ...(op.params ? { params: op.params } : {}),
    ...(op.query ? { query: op.query } : rest.variant ? { query: rest.variant.query } : {}),
    ...(op.idempotent ? { headers: IdempotencyKeyHeader } : {}),
    ...(body ? { body } : {}),
  };
}

function responsesOf(op: AnyOperation) {
  const rest = op.rest;
  const success = {
    description: rest.outputDescription,
    ...(rest.responseHeaders ? { headers: rest.responseHeaders } : {}),
    content: { 'application/json': { schema: rest.responseBody ?? op.output, ...(rest.outputExample ? { example: rest.outputExample } : {}) } },
  };
  const variant = rest.variant?.response;
  return {
    ...(variant ? { [variant.status]: json(variant.schema, variant.description) } : {}),
    [op.status]: success,
    ...errorResponses(...errorStatusesOf(op)),
  };
}

function configOf(op: AnyOperation, path: string, operationId: string, summary: string): RouteConfig {
  return createRoute({
    method: op.method,
    path,
    operationId,
    tags: op.rest.tags,
    summary,
    description: op.rest.description,
    ...(op.roles === 'public' ? {} : { security: signedIn }),
    middleware: middlewareOf(op),
    request: requestOf(op),
    responses: responsesOf(op),
  });
}

/** What a route's validator hands its hook; on a failure the validator passes the raw value as `data` too. */
type Validated = { target: string; data: unknown } & ({ success: true } | { success: false; error: { issues: readonly unknown[] } });

/**
 * The validation hook: the shared one, except where the operation answers a body that fails its schema itself
 * (a quote lists the failures) or a REST variant does (a dry run quotes them).
 */
function hookOf(op: AnyOperation) {
  const variant = op.rest.variant;
  const answerInvalid = op.answerInvalid;
  if (!variant && !answerInvalid) return undefined;
  return (result: Validated, c: Context<AppBindings>) => {
    const answersItself = result.target === 'json' && (variant ? variant.applies(c) : true);
    // The shared hook answers by throwing (a 400 or the path's 404); it never returns a response.
    if (!answersItself) return validationHook(result as Parameters<typeof validationHook>[0], c);
    const issues = schemaIssues(result);
    if (issues.length === 0) return undefined;
    const ctx = operationContext(c);
    const details = issuesToDetails(issues);
    if (variant) return variant.answer(ctx, result.data, details).then((out) => c.json(out as object, variant.response.status));
    return answerInvalid!(ctx, result.data, details).then((out) => c.json(out as object, op.status));
  };
}

function handlerOf(op: AnyOperation) {
  const rest = op.rest;
  return async (c: Context<AppBindings>) => {
    const valid = (target: 'param' | 'query' | 'json') => (c.req.valid as (t: string) => unknown)(target) ?? {};
    const ctx = operationContext(c);
    const variant = rest.variant;
    if (variant?.applies(c)) return c.json((await variant.answer(ctx, valid('json'), [])) as object, variant.response.status);
    const input = {
      params: valid('param'),
      query: op.query ? valid('query') : {},
      body: rest.nonJsonBody ? await rest.nonJsonBody.read(c) : valid('json'),
    } as Parameters<AnyOperation['run']>[1];
    const result = op.runWithCredential ? await op.runWithCredential(ctx, c.var.credential, input) : await op.run(ctx, input);
    return rest.respond ? rest.respond(c, result) : c.json(result as object, op.status);
  };
}

/** Serves the operation at its path, and at each alias under the alias's operationId. */
export function registerOperation(router: Router, op: AnyOperation): void {
  const paths = [{ path: op.path, operationId: op.name, summary: op.rest.summary }, ...(op.rest.aliases ?? [])];
  for (const { path, operationId, summary } of paths) {
    router.openapi(configOf(op, path, operationId, summary), handlerOf(op) as never, hookOf(op) as never);
  }
}
