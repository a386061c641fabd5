/** An MCP client (the official SDK's) talking to the Worker under test through its fetch handler. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker-provider.js';
import { exports } from 'cloudflare:workers';
import { BASE } from './api';

export const MCP_URL = `${BASE}/mcp`;

/** Connects (initialize + initialized) with the credential sent as a bearer token, or as X-API-Key. */
export async function mcpClient(credential: string, options: { header?: 'bearer' | 'x-api-key' } = {}): Promise<Client> {
  const headers: Record<string, string> =
    options.header === 'x-api-key' ? { 'X-API-Key': credential } : { Authorization: `Bearer ${credential}` };
  const transport = new StreamableHTTPClientTransport(new URL(MCP_URL), {
    requestInit: { headers },
    fetch: (url, init) => exports.default.fetch(new Request(url, init)),
  });
  // The client checks each structuredContent against the tool's outputSchema; Ajv cannot compile schemas in workerd.
  const client = new Client({ name: 'test-agent', version: '1.0.0' }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() });
  await client.connect(transport);
  // Listing caches each tool's outputSchema in the client, which then checks every structuredContent against it.
  await client.listTools();
  return client;
}

/** A tool call's outcome: the structured result, or the REST error body a failed tool returns as its text. */
export async function callTool(client: Client, name: string, args: Record<string, unknown> = {}) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  if (result.isError) {
    return { ok: false as const, text, error: (JSON.parse(text) as { error: { code: string; message: string; request_id: string; details?: { path: string; message: string }[] } }).error, result };
  }
  return { ok: true as const, text, data: result.structuredContent as any, result };
}
