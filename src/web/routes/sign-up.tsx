import type { Hono } from 'hono';
import type { AppBindings } from '../../context';
import { limitRegistrations } from '../../middleware/rate-limit';
import { RegisterBody } from '../../schemas/auth';
import { registerAccount } from '../../services/accounts';
import { formFailure, issuesToFormErrors, readForm } from '../forms';
import { SIGN_UP_FIELDS, SignUpPage } from '../pages/sign-up';
import { renderPage } from '../render';
import { startSession } from '../session';

/** People only: agents register over the API as ai_client. */
const PEOPLE_ROLES = ['client', 'professional'];

export function registerSignUp(web: Hono<AppBindings>) {
  web.get('/sign-up', (c) => renderPage(c, 'Create an account', <SignUpPage />));

  // The API's registration limit per address, counted before the form is read, as on POST /auth/register.
  web.post('/sign-up', limitRegistrations, async (c) => {
    const form = await readForm(c.req);
    const values = { full_name: form.full_name ?? '', email: form.email ?? '', role: form.role ?? '' };
    const parsed = RegisterBody.safeParse({ ...values, password: form.password ?? '', role: PEOPLE_ROLES.includes(values.role) ? values.role : undefined });
    if (!parsed.success) {
      const errors = issuesToFormErrors(parsed.error.issues, SIGN_UP_FIELDS);
      return renderPage(c, 'Create an account', <SignUpPage values={values} errors={errors} />, 400);
    }
    try {
      await registerAccount(c.var.db, {
        email: parsed.data.email,
        password: parsed.data.password,
        fullName: parsed.data.full_name,
        role: parsed.data.role,
      });
    } catch (err) {
      const { errors, status } = formFailure(err, SIGN_UP_FIELDS);
      return renderPage(c, 'Create an account', <SignUpPage values={values} errors={errors} />, status);
    }
    await startSession(c, parsed.data.email, parsed.data.password);
    return c.redirect('/app', 303);
  });
}
