import { ApiError } from '../../lib/errors';
import { errorResponses, json, jsonBody, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { handleMcpRequest } from '../../mcp/server';
import { TOOLS } from '../../mcp/tools';
import { operationContext } from '../../operations/rest';
import { JsonRpcRequestSchema, JsonRpcResponseSchema } from '../../schemas/mcp';

const DESCRIPTION =
  'The Model Context Protocol server (Streamable HTTP, stateless, JSON responses). Point an MCP client at this URL with an API key ' +
  '(Authorization: Bearer ghh_... or X-API-Key) or an access token. The body is a JSON-RPC message; send Accept: application/json, text/event-stream. ' +
  `Tools: ${TOOLS.map((tool) => tool.name).join(', ')}. ` +
  'Protocol errors are JSON-RPC errors; a tool that fails returns isError with the REST error body as its text.';

/** POST /mcp serves the protocol; GET and DELETE are 405, as the spec allows a server with no sessions or streams. */
export function registerMcp(app: Router) {
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/mcp',
    operationId: 'mcp',
    tags: ['MCP'],
    summary: 'MCP server for agents',
    description: DESCRIPTION,
    security: signedIn,
    request: { body: jsonBody(JsonRpcRequestSchema) },
    responses: {
      200: json(JsonRpcResponseSchema, 'A JSON-RPC response'),
      202: { description: 'Accepted (a notification; no response body)' },
      // The transport's own refusals (not JSON-RPC, a wrong Accept or Content-Type) are 400s in the API's error shape.
      ...errorResponses(401),
    },
  });

  app.post('/mcp', requireAuth(), (c) =>
    handleMcpRequest(c.req.raw, operationContext(c)),
  );
  app.on(['GET', 'DELETE'], '/mcp', () => {
    throw new ApiError('METHOD_NOT_ALLOWED', 'This MCP server keeps no sessions and opens no event streams: send JSON-RPC messages with POST.', {
      headers: { Allow: 'POST' },
    });
  });
}
