/** The OpenAPI document names every operation, and names each the way the MCP tool doing the same thing is named. */
import { describe, expect, it } from 'vitest';
import { TOOLS } from '../src/mcp/tools';
import { call } from './support/api';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** The document's operations, the webhooks' (keyed by event type) after the paths'. */
async function operations() {
  const doc = (await call('/openapi.json')).body;
  const items = [...Object.entries(doc.paths), ...Object.entries(doc.webhooks ?? {})] as [string, Record<string, any>][];
  return items.flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, operationId: op.operationId as string | undefined })),
  );
}

describe('operationIds', () => {
  it('every operation has a unique snake_case operationId', async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(45);
    for (const op of ops) expect(op.operationId, op.key).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    const ids = ops.map((op) => op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it("an MCP tool's REST operation has the tool's name as its operationId, and no other operation does", async () => {
    const byKey = new Map((await operations()).map((op) => [op.key, op.operationId]));
    const byId = new Map([...byKey].map(([key, id]) => [id, key]));
    for (const tool of TOOLS) {
      const key = `${tool.method.toUpperCase()} /api/v1${tool.path}`;
      expect(byKey.get(key), key).toBe(tool.name);
      expect(byId.get(tool.name)).toBe(key);
    }
  });
});
