import { bodyLimit } from 'hono/body-limit';
import { createRouter } from './lib/router';
import { ApiError, renderError } from './lib/errors';
import { renderDocsPage } from './lib/docs-page';
import { database, requestIdAndLog, requireConfiguration, requireHttps } from './middleware/request-context';
import { apiKeysRouter } from './routes/api-keys';
import { authRouter } from './routes/auth';
import { registerHealth } from './routes/system/health';

const KIB = 1024;
/** Default body cap from the contract; Stripe's webhook payloads can be larger than an API request. */
const BODY_LIMITS: { prefix: string; bytes: number }[] = [
  { prefix: '/webhooks/', bytes: 1024 * KIB },
  { prefix: '/', bytes: 64 * KIB },
];

const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'GoHireHumans API',
    version: '1.0.0',
    description:
      'Hire verified human professionals for work that needs a person. Post a task, fund it into escrow, get the result back.',
  },
};

export function createApp() {
  const app = createRouter();

  app.use('*', requestIdAndLog, requireConfiguration, requireHttps);
  app.use('*', async (c, next) => {
    const limit = BODY_LIMITS.find((l) => c.req.path.startsWith(l.prefix))!;
    return bodyLimit({
      maxSize: limit.bytes,
      onError: () => {
        throw new ApiError('PAYLOAD_TOO_LARGE', `The request body is larger than ${limit.bytes / KIB} KiB.`);
      },
    })(c, next);
  });
  app.use('*', database);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A JWT from POST /auth/login, or an API key (ghh_...) as the bearer token.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKeyAuth', {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'An API key (ghh_...) from POST /api/v1/api-keys.',
  });

  registerHealth(app);
  app.route('/auth', authRouter());
  app.route('/api/v1/api-keys', apiKeysRouter());

  app.doc31('/openapi.json', (c) => ({ ...OPENAPI_INFO, servers: [{ url: new URL(c.req.url).origin }] }));
  app.get('/docs', (c) => c.html(renderDocsPage(app.getOpenAPI31Document(OPENAPI_INFO) as unknown as Record<string, unknown>)));

  app.notFound((c) => renderError(c, new ApiError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`)));
  app.onError((err, c) => renderError(c, err));
  return app;
}
