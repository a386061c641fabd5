/**
 * Form errors: what a page shows next to each field and at the top of the form. They come from the same zod schemas
 * the API routes validate with and from the services' ApiErrors, so a rule is never written twice; only the wording
 * of zod's generic messages is made plain here.
 */
import type { z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError } from '../lib/errors';

export interface FormErrors {
  /** Messages by field name (the request field's dotted path, which is also the input's name). */
  fields: Record<string, string>;
  /** Errors that belong to no field shown (the task's state, a failed sign-in). */
  summary: string[];
  /** The first field with an error: it gets autofocus, so the browser puts the cursor there without a script. */
  first: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, summary: [], first: null };

export const hasErrors = (errors: FormErrors) => errors.summary.length > 0 || errors.first !== null;

/** Zod's messages for its built-in checks, in plain words; refinements (custom) keep the message the schema gives. */
function plainMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'number') return 'Enter a number.';
      return 'This field is required.';
    case 'invalid_value':
      return 'Choose one of the options.';
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'This field is required.' : `Use at least ${issue.minimum} characters.`;
      if (issue.origin === 'number') return `Must be at least ${issue.minimum}.`;
      return issue.message;
    case 'too_big':
      if (issue.origin === 'string') return `Use at most ${issue.maximum} characters.`;
      if (issue.origin === 'number') return `Must be at most ${issue.maximum}.`;
      if (issue.origin === 'array') return `At most ${issue.maximum}.`;
      return issue.message;
    case 'invalid_format':
      if (issue.format === 'email') return 'Enter an email address, like name@example.com.';
      if (issue.format === 'url') return 'Enter a full https:// link.';
      if (issue.format === 'datetime') return 'Enter a date and time.';
      return issue.message;
    case 'unrecognized_keys':
      return 'This field is not accepted here.';
    default:
      return issue.message;
  }
}

function collect(entries: { path: string; message: string }[], fieldNames: readonly string[], fallback?: string): FormErrors {
  const fields: Record<string, string> = {};
  const summary: string[] = [];
  for (const { path, message } of entries) {
    if (fieldNames.includes(path)) fields[path] ??= message;
    else summary.push(message);
  }
  if (summary.length === 0 && Object.keys(fields).length === 0 && fallback) summary.push(fallback);
  // In the form's order, so the summary lists them as the page shows them.
  const ordered = Object.fromEntries(fieldNames.filter((name) => name in fields).map((name) => [name, fields[name]!]));
  return { fields: ordered, summary, first: fieldNames.find((name) => name in fields) ?? null };
}

/** A schema's failure as form errors; issues on fields the form does not show go to the summary. */
export function issuesToFormErrors(issues: readonly z.core.$ZodIssue[], fieldNames: readonly string[]): FormErrors {
  return collect(
    issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: plainMessage(issue) })),
    fieldNames,
  );
}

/**
 * A service's refusal as form errors: details that name a field of the form sit by that field, the rest (and the
 * message itself when no detail is shown by a field) at the top. Anything that is not an ApiError is rethrown, so an
 * unexpected failure still reaches the one error page (and the log) instead of being dressed as a form error.
 */
export function apiErrorToFormErrors(thrown: unknown, fieldNames: readonly string[]): FormErrors {
  if (!(thrown instanceof ApiError)) throw thrown;
  const err = thrown;
  const onFields = (err.details ?? []).filter((d) => fieldNames.includes(d.path));
  const errors = collect(onFields, fieldNames);
  if (onFields.length === 0 || err.code !== 'VALIDATION_ERROR') errors.summary.unshift(err.message);
  return errors;
}

/** apiErrorToFormErrors, with the HTTP status the page answers with (the error's own). */
export function formFailure(thrown: unknown, fieldNames: readonly string[]): { errors: FormErrors; status: ContentfulStatusCode } {
  const errors = apiErrorToFormErrors(thrown, fieldNames);
  return { errors, status: (thrown as ApiError).status };
}

/** A urlencoded or multipart form's text fields (files are not taken here: uploads have their own endpoint). */
export async function readForm(req: { parseBody: () => Promise<Record<string, string | File | (string | File)[]>> }): Promise<Record<string, string>> {
  const body = await req.parseBody();
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') form[name] = value;
  return form;
}

/** A text box's value as a request field: empty means not given. */
export const optionalText = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);

/** A number box's value: a number when it reads as one, else the text, which the schema then refuses as not a number. */
export function numberField(value: string | undefined): unknown {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value.trim());
  return Number.isFinite(n) ? n : value;
}
