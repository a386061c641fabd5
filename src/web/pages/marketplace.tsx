import type { FC } from 'hono/jsx';
import type { TaskView } from '../../db/queries/tasks';
import { Select } from '../components/fields';
import { Layout } from '../components/layout';
import { CATEGORY_OPTIONS, TaskList } from '../components/task-bits';
import { NO_ERRORS } from '../forms';
import type { WebSession } from '../session';

export interface MarketplaceFilters {
  category?: string;
  location_type?: string;
}

/** A GET form: filters are part of the address, so a filtered list can be bookmarked and needs no form token. */
export const MarketplacePage: FC<{ session: WebSession; filters: MarketplaceFilters; views: TaskView[]; nextAfter: string | null; verified: boolean }> = ({
  session,
  filters,
  views,
  nextAfter,
  verified,
}) => {
  const query = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1])));
  if (nextAfter) query.set('after', nextAfter);
  return (
    <Layout session={session}>
      <h1>Marketplace</h1>
      {!verified ? (
        <section class="card">
          <p>The marketplace opens once you are verified. Set up payouts on your start page, or wait for the platform to verify you.</p>
        </section>
      ) : (
        <>
          <section class="card">
            <form class="filters" method="get" action="/app/marketplace">
              <Select
                scope="filter"
                name="category"
                label="Category"
                value={filters.category}
                errors={NO_ERRORS}
                options={[{ value: '', label: 'All categories' }, ...CATEGORY_OPTIONS]}
              />
              <Select
                scope="filter"
                name="location_type"
                label="Where"
                value={filters.location_type}
                errors={NO_ERRORS}
                options={[
                  { value: '', label: 'Anywhere' },
                  { value: 'remote', label: 'Remote' },
                  { value: 'local', label: 'In person' },
                ]}
              />
              <button type="submit">Show tasks</button>
            </form>
          </section>
          <section class="card" aria-labelledby="listed-heading">
            <h2 id="listed-heading">Open tasks</h2>
            <TaskList views={views} empty="No open tasks match. Try other filters, or look again later." />
            {nextAfter && (
              <p>
                <a href={`/app/marketplace?${query.toString()}`}>More tasks</a>
              </p>
            )}
          </section>
        </>
      )}
    </Layout>
  );
};
