import { Link } from 'react-router-dom';
import { usePendingRequests } from '../api/queries.js';
import { QueryStatus } from '../ui/QueryStatus.js';
import { RequestCard } from './RequestCard.js';

const SHOWN = 3;

/** The dashboard's pending-requests widget: the count, the three soonest deadlines, and the way to all of them. */
export function PendingRequestsWidget() {
  const pending = usePendingRequests();
  const count = pending.data?.length ?? 0;
  return (
    <section aria-labelledby="pending-widget-heading" aria-busy={pending.isLoading} className="card" data-testid="pending-widget">
      <h2 id="pending-widget-heading">Pending booking requests</h2>
      <QueryStatus query={pending} what="requests" />
      {pending.data && (
        <p>{count === 0 ? 'No requests waiting for you.' : `${count} request${count === 1 ? '' : 's'} need${count === 1 ? 's' : ''} your response.`}</p>
      )}
      {count > 0 && (
        <>
          <ul className="list">
            {pending.data!.slice(0, SHOWN).map((booking) => (
              <RequestCard key={booking.id} booking={booking} />
            ))}
          </ul>
          <p>
            <Link to="/pending">View all pending requests ({count})</Link>
          </p>
        </>
      )}
    </section>
  );
}
