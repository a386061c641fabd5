import type { Hono } from 'hono';
import type { AppBindings } from '../../context';
import { LoginBody } from '../../schemas/auth';
import { formFailure, issuesToFormErrors, readForm } from '../forms';
import { SIGN_IN_FIELDS, SignInPage } from '../pages/sign-in';
import { renderPage } from '../render';
import { safeNext, startSession } from '../session';

export function registerSignIn(web: Hono<AppBindings>) {
  web.get('/sign-in', (c) => renderPage(c, 'Sign in', <SignInPage next={c.req.query('next')} />));

  web.post('/sign-in', async (c) => {
    const form = await readForm(c.req);
    const next = form.next;
    const parsed = LoginBody.safeParse({ email: form.email ?? '', password: form.password ?? '' });
    if (!parsed.success) {
      const errors = issuesToFormErrors(parsed.error.issues, SIGN_IN_FIELDS);
      return renderPage(c, 'Sign in', <SignInPage email={form.email} next={next} errors={errors} />, 400);
    }
    try {
      await startSession(c, parsed.data.email, parsed.data.password);
    } catch (err) {
      const { errors, status } = formFailure(err, SIGN_IN_FIELDS);
      return renderPage(c, 'Sign in', <SignInPage email={form.email} next={next} errors={errors} />, status);
    }
    return c.redirect(safeNext(next), 303);
  });
}
