/**
 * Every operation in /openapi.json shows an example of its request body and of each 2xx response, and every
 * example is valid: against the document's JSON Schema (Ajv, in the Node validator service) and against the zod
 * schema the route itself validates with or answers through (so refinements such as "deadline in the future"
 * or "at most 2 decimals" hold too).
 */
import { getOpenApiMetadata } from '@asteasolutions/zod-to-openapi';
import type { z } from '@hono/zod-openapi';
import { describe, expect, inject, it } from 'vitest';
import { createApp } from '../src/app';
import { call } from './support/api';

type Json = Record<string, any>;

/** Responses that carry no body, so nothing to exemplify. */
const BODILESS = new Set(['202', '204']);

function operations(doc: Json): [string, Json][] {
  return Object.entries(doc.paths as Json).flatMap(([path, item]) =>
    Object.entries(item as Json).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op as Json] as [string, Json]),
  );
}

/** An example on the media type, on its schema, or on the component the schema refers to. */
function hasExample(doc: Json, media: Json): boolean {
  if (media.example !== undefined || media.examples !== undefined) return true;
  let schema = media.schema as Json | undefined;
  for (let hops = 0; schema?.$ref && hops < 10; hops++) {
    if (schema.example !== undefined) return true;
    schema = doc.components.schemas[String(schema.$ref).replace('#/components/schemas/', '')];
  }
  return schema?.example !== undefined;
}

describe('OpenAPI examples', () => {
  it('every request body and every 2xx response has an example', async () => {
    const doc = (await call('/openapi.json')).body as Json;
    const missing: string[] = [];
    const ops = operations(doc);
    for (const [name, op] of ops) {
      for (const [type, media] of Object.entries((op.requestBody?.content ?? {}) as Json)) {
        if (!hasExample(doc, media)) missing.push(`${name} request ${type}`);
      }
      for (const [status, response] of Object.entries(op.responses as Json) as [string, Json][]) {
        if (!status.startsWith('2')) continue;
        if (!response.content) {
          if (!BODILESS.has(status)) missing.push(`${name} ${status}: no content described`);
          continue;
        }
        for (const [type, media] of Object.entries(response.content as Json)) {
          if (!hasExample(doc, media)) missing.push(`${name} ${status} ${type}`);
        }
      }
    }
    expect(ops.length).toBeGreaterThan(25);
    expect(missing).toEqual([]);
  });

  it('every example in the document validates against its JSON Schema', async () => {
    const text = (await call('/openapi.json')).text;
    const verdict = await fetch(`${inject('openApiValidatorUrl')}/examples`, { method: 'POST', body: text });
    const { checked, failures } = (await verdict.json()) as { checked: number; failures: { at: string; errors: string }[] };
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it("every request and response example passes the route's own zod schema", () => {
    const checked: string[] = [];
    const failures: string[] = [];
    const verify = (at: string, media: unknown) => {
      const zod = (media as { schema?: z.ZodType } | undefined)?.schema;
      if (!zod || typeof zod.safeParse !== 'function') return;
      const example = getOpenApiMetadata(zod).example;
      if (example === undefined) return;
      checked.push(at);
      const parsed = zod.safeParse(example);
      if (!parsed.success) failures.push(`${at}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    };
    for (const definition of createApp().openAPIRegistry.definitions) {
      if (definition.type !== 'route') continue;
      const { method, path, request, responses } = definition.route;
      const at = `${method.toUpperCase()} ${path}`;
      for (const [type, media] of Object.entries(request?.body?.content ?? {})) verify(`${at} request ${type}`, media);
      for (const [status, response] of Object.entries(responses)) {
        if (!status.startsWith('2') || !('content' in response)) continue;
        for (const [type, media] of Object.entries(response.content ?? {})) verify(`${at} ${status} ${type}`, media);
      }
    }
    expect(failures).toEqual([]);
    expect(checked.length).toBeGreaterThan(40);
  });
});
