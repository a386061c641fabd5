import type { FC } from 'hono/jsx';
import { Layout } from '../components/layout';
import { ErrorSummary, TextField } from '../components/fields';
import { NO_ERRORS, type FormErrors } from '../forms';

export const SIGN_IN_FIELDS = ['email', 'password'] as const;
const LABELS = { email: 'Email', password: 'Password' };

export const SignInPage: FC<{ email?: string; next?: string; errors?: FormErrors; notice?: string }> = ({ email, next, errors = NO_ERRORS, notice }) => (
  <Layout>
    <h1>Sign in</h1>
    {notice && <p class="notice">{notice}</p>}
    <section class="card">
      <form method="post" action="/app/sign-in" novalidate>
        <ErrorSummary scope="sign-in" errors={errors} labels={LABELS} />
        {next && <input type="hidden" name="next" value={next} />}
        <TextField scope="sign-in" name="email" label={LABELS.email} type="email" autocomplete="email" value={email} errors={errors} required />
        <TextField scope="sign-in" name="password" label={LABELS.password} type="password" autocomplete="current-password" errors={errors} required />
        <button type="submit">Sign in</button>
      </form>
    </section>
    <p>
      New here? <a href="/app/sign-up">Create an account</a>.
    </p>
  </Layout>
);
