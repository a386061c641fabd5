/** The frame of every page: the top bar (what the account can do, and sign out) and the main column. */
import type { Child, FC } from 'hono/jsx';
import type { WebSession } from '../session';
import { FormToken } from './fields';

const Nav: FC<{ session: WebSession }> = ({ session }) => {
  const role = session.caller.role;
  return (
    <>
      <a href="/app">Home</a>
      {role === 'professional' && <a href="/app/marketplace">Marketplace</a>}
      {role === 'professional' && <a href="/app/earnings">Earnings</a>}
      {(role === 'client' || role === 'ai_client') && <a href="/app/tasks/new">Post a task</a>}
      <form method="post" action="/app/sign-out">
        <FormToken session={session} />
        <button type="submit">Sign out</button>
      </form>
    </>
  );
};

export const Layout: FC<{ session?: WebSession; children?: Child }> = ({ session, children }) => (
  <>
    <header class="top">
      <a class="brand" href="/app">
        GoHireHumans
      </a>
      {session ? <Nav session={session} /> : <a href="/app/sign-in">Sign in</a>}
    </header>
    <main>{children}</main>
  </>
);
