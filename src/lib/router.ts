import { OpenAPIHono } from '@hono/zod-openapi';
import type { Hook } from '@hono/zod-openapi';
import type { AppBindings } from '../context';
import { ApiError, type ErrorDetail } from './errors';

/** A schema failure as the validators and the MCP tools see it (zod's issues, and unstorableText's). */
export interface Issue {
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

// With the u flag a surrogate pair reads as one code point, so only an unpaired half matches.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Strings Postgres cannot store, wherever they sit in a validated value (keys included): a NUL character (text
 * and jsonb refuse U+0000) or an unpaired UTF-16 surrogate (not Unicode; jsonb refuses it, text would get U+FFFD in
 * its place). Checked on what the schemas let through, so no field, however it is typed (`data` takes any JSON),
 * carries one to the database.
 */
export function unstorableText(value: unknown, path: PropertyKey[] = []): Issue[] {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return [{ code: 'custom', path, message: 'Must not contain NUL characters (U+0000).' }];
    if (LONE_SURROGATE.test(value)) return [{ code: 'custom', path, message: 'Must be valid Unicode text (no unpaired surrogates).' }];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => unstorableText(item, [...path, index]));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.entries(value).flatMap(([key, item]) => [
      ...unstorableText(key, [...path, key]).map((issue) => ({ ...issue, message: `Key: ${issue.message}` })),
      ...unstorableText(item, [...path, key]),
    ]);
  }
  return [];
}

/** What a validator's result refuses: the schema's failures, or text the database cannot store in a value that passed. */
export function schemaIssues(result: { success: true; data: unknown } | { success: false; error: { issues: readonly unknown[] } }): readonly Issue[] {
  return result.success ? unstorableText(result.data) : (result.error.issues as readonly Issue[]);
}

/**
 * The one validation hook: every request schema failure becomes a 400 VALIDATION_ERROR naming the fields, and so
 * does text the database cannot store in a value that passed. Path parameters are ids: one that fails its schema
 * names nothing, so it is the route's 404 (the id schema's message, e.g. "Task not found."), as for an unknown id.
 */
export const validationHook: Hook<unknown, AppBindings, string, unknown> = (result) => {
  const issues = schemaIssues(result);
  if (issues.length === 0) return;
  if (result.target === 'param') throw new ApiError('NOT_FOUND', result.success ? 'Not found.' : (issues[0]?.message ?? 'Not found.'));
  throw validationError(result.target, issues);
};

export function createRouter() {
  return new OpenAPIHono<AppBindings>({ defaultHook: validationHook });
}

export type Router = ReturnType<typeof createRouter>;
