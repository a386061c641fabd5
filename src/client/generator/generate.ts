/**
 * `npm run client:generate` (run by pretypecheck, pretest and prebuild): TypeScript types for every operation,
 * schema and webhook of the API, from the OpenAPI document, into src/client/api-types.ts (gitignored), which the
 * typed client (src/client/index.ts) is built on.
 *
 * The document comes from the app itself, imported here in Node: no server, no database, no port, and it is the
 * document /openapi.json serves, less `servers` (the served one names its own origin). test/browser/client.test.ts
 * checks the two are equal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';
import { createApp, OPENAPI_INFO } from '../../app';

const TARGET = path.join(path.dirname(fileURLToPath(import.meta.url)), '../api-types.ts');

export function openApiDocument() {
  return createApp().getOpenAPI31Document(OPENAPI_INFO);
}

async function main() {
  const started = Date.now();
  const nodes = await openapiTS(openApiDocument() as unknown as OpenAPI3);
  const source = `${COMMENT_HEADER.trimEnd()}\n// From the app's own OpenAPI document by \`npm run client:generate\` (src/client/generator/generate.ts).\n\n${astToString(nodes)}`;
  // Unchanged types are left alone, so tools watching the file see no change.
  if (!fs.existsSync(TARGET) || fs.readFileSync(TARGET, 'utf8') !== source) fs.writeFileSync(TARGET, source);
  console.log(`client: ${path.relative(process.cwd(), TARGET)} (${Math.round(source.length / 1024)} KiB) in ${Date.now() - started} ms`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await main();
