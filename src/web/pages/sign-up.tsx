import type { FC } from 'hono/jsx';
import { ErrorSummary, RadioGroup, TextField } from '../components/fields';
import { Layout } from '../components/layout';
import { NO_ERRORS, type FormErrors } from '../forms';

export const SIGN_UP_FIELDS = ['full_name', 'email', 'password', 'role'] as const;
const LABELS = { full_name: 'Full name', email: 'Email', password: 'Password', role: 'I want to' };

/** People sign up here as a client or a professional; AI agents register over the API (role ai_client). */
export const SignUpPage: FC<{ values?: Record<string, string>; errors?: FormErrors }> = ({ values = {}, errors = NO_ERRORS }) => (
  <Layout>
    <h1>Create an account</h1>
    <section class="card">
      <form method="post" action="/app/sign-up" novalidate>
        <ErrorSummary scope="sign-up" errors={errors} labels={LABELS} />
        <TextField scope="sign-up" name="full_name" label={LABELS.full_name} autocomplete="name" value={values.full_name} errors={errors} required />
        <TextField scope="sign-up" name="email" label={LABELS.email} type="email" autocomplete="email" value={values.email} errors={errors} required />
        <TextField
          scope="sign-up"
          name="password"
          label={LABELS.password}
          type="password"
          autocomplete="new-password"
          hint="8 to 128 characters."
          errors={errors}
          required
        />
        <RadioGroup
          scope="sign-up"
          name="role"
          label={LABELS.role}
          value={values.role}
          errors={errors}
          required
          options={[
            { value: 'client', label: 'Hire people for tasks (client)' },
            { value: 'professional', label: 'Do tasks and get paid (professional)' },
          ]}
        />
        <button type="submit">Create account</button>
      </form>
    </section>
    <p>
      Already have an account? <a href="/app/sign-in">Sign in</a>.
    </p>
  </Layout>
);
