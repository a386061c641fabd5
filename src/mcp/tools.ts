/** The MCP server's tools: the operations that are also tools, in the order an agent uses them. */
import { OPERATIONS } from '../operations';
import { isTool, type McpTool } from './tool';

export const TOOLS: McpTool[] = OPERATIONS.filter(isTool);
