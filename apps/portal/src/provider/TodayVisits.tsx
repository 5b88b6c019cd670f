import { Link } from 'react-router-dom';
import { useProviderBookings } from '../api/queries.js';
import { formatTimeInZone } from '../time/format.js';
import { QueryStatus } from '../ui/QueryStatus.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { UPCOMING_STATUSES, startOf, todaysVisits } from './visits.js';
import { VisitActions } from './VisitActions.js';

/** Today's visits with their next step: check in, start, complete, or no-show. */
export function TodayVisits() {
  const bookings = useProviderBookings(UPCOMING_STATUSES);
  const visits = todaysVisits(bookings.data?.items ?? []);
  return (
    <section aria-labelledby="today-heading" aria-busy={bookings.isLoading} className="card" data-testid="today-visits">
      <h2 id="today-heading">Today’s visits</h2>
      <QueryStatus query={bookings} what="visits" />
      {bookings.data && visits.length === 0 && <p>No visits today.</p>}
      <ul className="list">
        {visits.map((booking) => (
          <li key={booking.id} data-booking-id={booking.id}>
            <h3 id={`visit-${booking.id}`}>
              {formatTimeInZone(startOf(booking), booking.dateTime.providerTimezone)} — {booking.patientName ?? 'Patient'}, {booking.service.name}
            </h3>
            <StatusBadge status={booking.status} />
            <VisitActions booking={booking} describedBy={`visit-${booking.id}`} />
          </li>
        ))}
      </ul>
      <p>
        <Link to="/bookings">All upcoming bookings</Link>
      </p>
    </section>
  );
}
