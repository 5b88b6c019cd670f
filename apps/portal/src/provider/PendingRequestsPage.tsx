import { usePendingRequests } from '../api/queries.js';
import { QueryStatus } from '../ui/QueryStatus.js';
import { RequestCard } from './RequestCard.js';

/** Every request waiting for the provider, soonest deadline first (as the API orders them). */
export function PendingRequestsPage() {
  const pending = usePendingRequests();
  return (
    <>
      <h1>Pending requests</h1>
      <div aria-busy={pending.isLoading}>
        <QueryStatus query={pending} what="requests" />
        {pending.data?.length === 0 && <p>No requests are waiting for your answer.</p>}
        {pending.data && pending.data.length > 0 && (
          <ul className="list">
            {pending.data.map((booking) => (
              <RequestCard key={booking.id} booking={booking} headingLevel={2} />
            ))}
          </ul>
        )}
      </div>
    </>
  );
}
