/**
 * A typed client of the API for TypeScript programs (an agent, a script, the tests): openapi-fetch over the types
 * `npm run client:generate` writes from the OpenAPI document (api-types.ts), so a path, a parameter or a body field
 * the API does not have fails to compile, and every answer is typed by its status. Never imported by the Worker
 * (`npm run check:imports` fails if it is).
 *
 *   const api = createApiClient({ baseUrl: 'http://127.0.0.1:8787', credential: apiKey });
 *   const { data, error } = await api.POST('/api/v1/tasks', { body: { title, description, ... } });
 *   // data: the Task on 201; error: the API's error body (error.code, error.request_id) on any other status.
 */
import createClient from 'openapi-fetch';
import type { components, paths, webhooks } from './api-types';

export type { components, paths, webhooks };
/** The API's components by name: `Schema<'Task'>`, `Schema<'Error'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

export interface ApiClientOptions {
  /** The API's origin, e.g. http://127.0.0.1:8787 for `npm run dev`. */
  baseUrl: string;
  /** An API key (`ghh_...`; a test-mode key works the same) or a JWT from POST /auth/login, sent as the bearer token. */
  credential?: string;
  /** Another fetch, e.g. one that logs or retries; globalThis.fetch otherwise. */
  fetch?: (request: Request) => Promise<Response>;
}

export function createApiClient(options: ApiClientOptions) {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.credential ? { Authorization: `Bearer ${options.credential}` } : {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;
