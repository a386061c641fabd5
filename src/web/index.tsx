/**
 * The web app for people (human clients and professionals), mounted at /app. Server-rendered pages over the same
 * services the API routes call; forms post back here and are answered with a redirect (or the form again, with its
 * errors). See docs/web-app.md.
 */
import { Hono } from 'hono';
import type { AppBindings } from '../context';
import { ApiError, logInternalError, toApiError } from '../lib/errors';
import { logDatabaseUnavailable } from '../lib/db-errors';
import { refuseCrossSiteForms } from './csrf';
import { MessagePage } from './pages/message';
import { renderPage } from './render';
import { registerCreateTask } from './routes/create-task';
import { registerEarnings } from './routes/earnings';
import { registerHome } from './routes/home';
import { registerMarketplace } from './routes/marketplace';
import { registerPayouts } from './routes/payouts';
import { registerSignIn } from './routes/sign-in';
import { registerSignOut } from './routes/sign-out';
import { registerSignUp } from './routes/sign-up';
import { registerTaskPage } from './routes/task';
import { registerTaskActions } from './routes/task-actions';
import { endSession, signInRedirect } from './session';

const TITLES: Partial<Record<ApiError['code'], string>> = {
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  INVALID_STATE: 'Not possible right now',
  RATE_LIMITED: 'Too many requests',
  SERVICE_UNAVAILABLE: 'Temporarily unavailable',
  PAYMENTS_UNAVAILABLE: 'Payments unavailable',
};

export function webApp() {
  const web = new Hono<AppBindings>();
  web.use('*', refuseCrossSiteForms);

  registerSignIn(web);
  registerSignUp(web);
  registerSignOut(web);
  registerHome(web);
  registerPayouts(web);
  registerCreateTask(web);
  registerTaskPage(web);
  registerTaskActions(web);
  registerMarketplace(web);
  registerEarnings(web);

  web.all('*', (c) => {
    throw new ApiError('NOT_FOUND', 'There is no page at this address.');
  });

  // The API's errors as a page: the same ApiError, its status and plain message, and the request id to quote.
  web.onError((thrown, c) => {
    const err = toApiError(thrown);
    const requestId = c.get('requestId') ?? 'req_unknown';
    if (err.code === 'UNAUTHORIZED') {
      endSession(c);
      return signInRedirect(c);
    }
    if (err.code === 'INTERNAL') logInternalError(requestId, thrown);
    else if (err !== thrown && err.code === 'SERVICE_UNAVAILABLE') logDatabaseUnavailable(requestId, thrown);
    if (err.headers) for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    const title = TITLES[err.code] ?? (err.status >= 500 ? 'Something went wrong' : 'That did not work');
    return renderPage(c, title, <MessagePage title={title} message={err.message} requestId={requestId} />, err.status);
  });
  return web;
}
