import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { createRouter } from './lib/router';
import { ApiError, renderError } from './lib/errors';
import { database, requestIdAndLog, requireConfiguration, requireHttps } from './middleware/request-context';
import { adminRouter } from './routes/admin';
import { apiKeysRouter } from './routes/api-keys';
import { authRouter } from './routes/auth';
import { callbackSecretRouter } from './routes/callback-secret';
import { categoriesRouter } from './routes/categories';
import { marketplaceRouter } from './routes/marketplace';
import { paymentsRouter } from './routes/payments';
import { registerConnectPages } from './routes/payments/connect-pages';
import { registerHealth } from './routes/system/health';
import { registerLlmsTxt } from './routes/system/llms';
import { tasksRouter } from './routes/tasks';
import { filesRouter } from './routes/files';
import { MAX_FILE_BYTES } from './services/files/files';
import { localPaymentsRouter } from './routes/local';
import { registerMcp } from './routes/mcp';
import { registerStripeWebhook } from './routes/webhooks/stripe';
import { webhookEndpointsRouter } from './routes/webhook-endpoints';
import { registerEventWebhooks } from './routes/webhook-endpoints/events';
import { webApp } from './web';

const KIB = 1024;
/**
 * Default body cap from the contract; Stripe's webhook payloads can be larger than an API request, and a
 * submission (20,000 characters of text, 20 attachment URLs, structured data) can pass 64 KiB legitimately. An
 * upload is its file plus a little multipart framing; MCP carries upload_file's base64 content (512 KiB of file).
 */
const BODY_LIMITS: { match: RegExp; bytes: number; message?: string }[] = [
  { match: /^\/webhooks\//, bytes: 1024 * KIB },
  { match: /^\/api\/v1\/tasks\/[^/]+\/submit$/, bytes: 256 * KIB },
  { match: /^\/(api\/v1|app)\/tasks\/[^/]+\/files$/, bytes: MAX_FILE_BYTES + 16 * KIB, message: `A file may be at most ${MAX_FILE_BYTES / KIB / KIB} MiB.` },
  { match: /^\/mcp$/, bytes: 1024 * KIB },
  { match: /^\//, bytes: 64 * KIB },
];

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'GoHireHumans API',
    version: '1.0.0',
    description:
      'Hire verified human professionals for work that needs a person. Post a task, fund it into escrow, get the result back.',
  },
};

/**
 * Every response, JSON and text included, not only the HTML pages: a browser must never sniff an error body or a
 * stored field echoed back into something it renders. One header, so it costs nothing to send everywhere.
 */
const noSniff = createMiddleware(async (c, next) => {
  await next();
  c.header('X-Content-Type-Options', 'nosniff');
});

export function createApp() {
  const app = createRouter();

  app.use('*', requestIdAndLog, noSniff, requireHttps, requireConfiguration);
  app.use('*', async (c, next) => {
    const limit = BODY_LIMITS.find((l) => l.match.test(c.req.path))!;
    return bodyLimit({
      maxSize: limit.bytes,
      onError: () => {
        throw new ApiError('PAYLOAD_TOO_LARGE', limit.message ?? `The request body is larger than ${limit.bytes / KIB} KiB.`);
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
  registerLlmsTxt(app);
  app.route('/auth', authRouter());
  app.route('/api/v1', tasksRouter());
  app.route('/api/v1', filesRouter());
  app.route('/api/v1', marketplaceRouter());
  app.route('/api/v1', categoriesRouter());
  app.route('/api/v1', paymentsRouter());
  app.route('/api/v1/admin', adminRouter());
  registerStripeWebhook(app);
  registerConnectPages(app);
  // Local payments deliver their events through the app itself, the way Stripe's arrive.
  app.route('/local', localPaymentsRouter((request, env, ctx) => app.fetch(request, env, ctx)));
  app.route('/api/v1/api-keys', apiKeysRouter());
  app.route('/api/v1/webhook-endpoints', webhookEndpointsRouter());
  registerEventWebhooks(app);
  app.route('/api/v1/callback-secret', callbackSecretRouter());
  registerMcp(app);
  // The web app for people: HTML pages over the same services (src/web/, docs/web-app.md).
  app.route('/app', webApp());
  app.get('/app/', (c) => c.redirect('/app', 301));

  app.doc31('/openapi.json', (c) => ({ ...OPENAPI_INFO, servers: [{ url: new URL(c.req.url).origin }] }));

  app.notFound((c) => renderError(c, new ApiError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`)));
  app.onError((err, c) => renderError(c, err));
  return app;
}
