/**
 * JSON-RPC as /mcp carries it, for the OpenAPI document only: the MCP SDK's transport parses and answers the
 * messages itself. The examples are a tools/call of get_task and its answer.
 */
import { z } from '@hono/zod-openapi';
import { TASK_EXAMPLE } from './examples';

const RequestId = z.union([z.string(), z.number().int()]);

export const JsonRpcRequestSchema = z
  .looseObject({
    jsonrpc: z.literal('2.0'),
    id: RequestId.optional().openapi({ description: 'Absent on a notification (answered 202 with no body).' }),
    method: z.string().openapi({ example: 'tools/call', description: 'initialize, tools/list, tools/call, ...' }),
    params: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('McpRequest', {
    example: { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'get_task', arguments: { task_id: TASK_EXAMPLE.id } } },
  });

export const JsonRpcResponseSchema = z
  .looseObject({
    jsonrpc: z.literal('2.0'),
    id: RequestId,
    result: z.record(z.string(), z.unknown()).optional().openapi({ description: 'On success. A tool call: { content, structuredContent } or, when the tool failed, { content, isError: true }.' }),
    error: z
      .object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() })
      .optional()
      .openapi({ description: 'A protocol error (unknown tool or method, malformed message).' }),
  })
  .openapi('McpResponse', {
    example: {
      jsonrpc: '2.0',
      id: 3,
      result: {
        content: [{ type: 'text', text: `Task ${TASK_EXAMPLE.id} "${TASK_EXAMPLE.title}" is submitted (funding funded, budget 15.00 USD).` }],
        structuredContent: TASK_EXAMPLE,
      },
    },
  });
