/**
 * Takes the place of `ajv` and `ajv-formats` in the Worker bundle (wrangler.toml [alias]). The MCP SDK's Server
 * module imports Ajv as its default JSON Schema validator. Ajv compiles schemas into code at run time, which
 * Workers forbid, so the server is always given the CfWorker validator (src/mcp/server.ts) and never builds an
 * Ajv; the import alone would still put about 40 KiB gzip of Ajv into the bundle. Should anything ever construct
 * one, it fails loudly here instead of at its first schema.
 */
export default function ajvUnavailable(): never {
  throw new Error('Ajv is not bundled in this Worker (it needs run-time code generation); pass a CfWorkerJsonSchemaValidator.');
}
