/**
 * Node-side OpenAPI validation for tests running in workerd: swagger-parser (ajv) compiles code at run time,
 * which Workers forbid, so the suite posts the document here and gets the validator's verdict back. POST / checks
 * the document; POST /examples checks every example in it against its schema.
 */
import http from 'node:http';
import SwaggerParser from '@apidevtools/swagger-parser';
import { checkExamples } from './openapi-examples';

export interface NodeService {
  url: string;
  close: () => Promise<void>;
}

export async function startOpenApiValidator(): Promise<NodeService> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      const doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const verdict = req.url === '/examples' ? checkExamples(doc) : (await SwaggerParser.validate(doc), { valid: true });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verdict));
    } catch (err) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ valid: false, error: String(err) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((r) => server.close(() => r())) };
}
