/**
 * Node side: checks every `example` in an OpenAPI 3.1 document against the schema it sits on (or, for a media
 * type or parameter, the schema beside it), with Ajv's draft 2020-12 validator and its formats. Ajv compiles
 * code at run time, which workerd forbids, hence Node.
 */
import { createRequire } from 'node:module';
import type Ajv2020Type from 'ajv/dist/2020.js';
import type addFormatsType from 'ajv-formats';

// Loaded with Node's own resolution: vitest.config.ts applies wrangler.toml's [alias] (which stubs Ajv out of the
// Worker) to every module vite loads, this Node-side one included.
const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020.js').default as typeof Ajv2020Type;
const addFormats = require('ajv-formats').default as typeof addFormatsType;

type Json = Record<string, any>;

export interface ExampleFailure {
  at: string;
  errors: string;
}

/** Schema keywords whose values are schemas (or lists / maps of them) to walk into. */
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs'];
const SUBSCHEMA_ONE = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'];

/** Refs in the document point at its root; each checked schema is compiled alone, so point them at the registered document. */
function anchorRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(anchorRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `openapi${v}` : anchorRefs(v)]),
  );
}

export function checkExamples(doc: Json): { checked: number; failures: ExampleFailure[] } {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(anchorRefs({ components: { schemas: doc.components?.schemas ?? {} } }) as Json, 'openapi');
  const failures: ExampleFailure[] = [];
  let checked = 0;

  const check = (at: string, schema: unknown, example: unknown) => {
    if (schema === undefined || schema === null || typeof schema !== 'object') {
      failures.push({ at, errors: 'example without a schema' });
      return;
    }
    checked += 1;
    const { example: _ignored, examples: _also, ...rest } = schema as Json;
    const validate = ajv.compile(anchorRefs(rest) as Json);
    if (!validate(example)) failures.push({ at, errors: ajv.errorsText(validate.errors) });
  };

  const walkSchema = (at: string, schema: unknown) => {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return;
    const node = schema as Json;
    if (node.example !== undefined) check(at, node, node.example);
    for (const key of SUBSCHEMA_LISTS) (node[key] as unknown[] | undefined)?.forEach((s, i) => walkSchema(`${at}/${key}/${i}`, s));
    for (const key of SUBSCHEMA_MAPS) for (const [name, s] of Object.entries((node[key] ?? {}) as Json)) walkSchema(`${at}/${key}/${name}`, s);
    for (const key of SUBSCHEMA_ONE) walkSchema(`${at}/${key}`, node[key]);
  };

  const walkMedia = (at: string, content: Json | undefined) => {
    for (const [type, media] of Object.entries(content ?? {}) as [string, Json][]) {
      if (media.example !== undefined) check(`${at}/${type}`, media.schema, media.example);
      walkSchema(`${at}/${type}/schema`, media.schema);
    }
  };

  for (const [name, schema] of Object.entries((doc.components?.schemas ?? {}) as Json)) walkSchema(`#/components/schemas/${name}`, schema);
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Json)) {
    for (const [method, op] of Object.entries(item as Json) as [string, Json][]) {
      const at = `${method.toUpperCase()} ${path}`;
      for (const p of (op.parameters ?? []) as Json[]) {
        if (p.example !== undefined) check(`${at} parameter ${p.name}`, p.schema, p.example);
        walkSchema(`${at} parameter ${p.name}`, p.schema);
      }
      walkMedia(`${at} request`, op.requestBody?.content);
      for (const [status, response] of Object.entries((op.responses ?? {}) as Json) as [string, Json][]) {
        walkMedia(`${at} ${status}`, response.content);
        for (const [header, h] of Object.entries((response.headers ?? {}) as Json) as [string, Json][]) walkSchema(`${at} ${status} header ${header}`, h.schema);
      }
    }
  }
  return { checked, failures };
}
