import type { Hono } from 'hono';
import type { AppBindings } from '../../context';
import { requireSession, endSession } from '../session';

export function registerSignOut(web: Hono<AppBindings>) {
  // Behind requireSession, so sign-out needs the session's form token: another site cannot sign you out either.
  web.post('/sign-out', requireSession, (c) => {
    endSession(c);
    return c.redirect('/app/sign-in', 303);
  });
}
