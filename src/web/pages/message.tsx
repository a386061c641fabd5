import type { FC } from 'hono/jsx';
import { Layout } from '../components/layout';
import type { WebSession } from '../session';

/** A page that only says something: an error, or a page that does not exist. */
export const MessagePage: FC<{ session?: WebSession; title: string; message: string; requestId?: string }> = ({ session, title, message, requestId }) => (
  <Layout session={session}>
    <h1>{title}</h1>
    <section class="card">
      <p>{message}</p>
      {requestId && <p class="muted">Reference: {requestId}</p>}
      <p>
        <a href="/app">Back to the start page</a>
      </p>
    </section>
  </Layout>
);
