import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hook } from '@hono/zod-openapi';
import type { AppBindings } from '../context';
import { ApiError, type ErrorDetail } from './errors';

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

/** Zod issues as the contract's `details`: one entry per offending field, named by its dotted path. */
export function issuesToDetails(issues: readonly Issue[]): ErrorDetail[] {
  return issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      return issue.keys.map((key) => ({
        path: base ? `${base}.${key}` : key,
        message: 'This field is not accepted here.',
      }));
    }
    return [{ path: base || '(body)', message: issue.message }];
  });
}

/** How a message names the part of the request that failed (the validator's targets, and MCP tool arguments). */
const PART_NAMES: Record<string, string> = {
  json: 'request body',
  form: 'request body',
  query: 'query parameters',
  param: 'path parameters',
  header: 'headers',
  cookie: 'cookies',
};

/** A schema failure as the 400 VALIDATION_ERROR every caller gets: `target` says what was invalid (json, query, arguments). */
export function validationError(target: string, issues: readonly Issue[]): ApiError {
  const details = issuesToDetails(issues);
  const fields = [...new Set(details.map((d) => d.path))].join(', ');
  return new ApiError('VALIDATION_ERROR', `Invalid ${PART_NAMES[target] ?? target}: check ${fields}.`, { details });
}

/** The one validation hook: every request schema failure becomes a 400 VALIDATION_ERROR naming the fields. */
export const validationHook: Hook<unknown, AppBindings, string, unknown> = (result) => {
  if (result.success) return;
  throw validationError(result.target, result.error.issues as readonly Issue[]);
};

export function createRouter() {
  return new OpenAPIHono<AppBindings>({ defaultHook: validationHook });
}

export type Router = ReturnType<typeof createRouter>;
