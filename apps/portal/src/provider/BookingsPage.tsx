import { useProviderBookings } from '../api/queries.js';
import { formatInZone } from '../time/format.js';
import { QueryStatus } from '../ui/QueryStatus.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { TodayVisits } from './TodayVisits.js';
import { UPCOMING_STATUSES, startOf, timelineOf } from './visits.js';

/** Upcoming and ongoing bookings, soonest first, each with its status timeline; today's visits (above) carry their next step. */
export function BookingsPage() {
  const bookings = useProviderBookings(UPCOMING_STATUSES);
  const upcoming = [...(bookings.data?.items ?? [])].sort((a, b) => startOf(a).localeCompare(startOf(b)));
  return (
    <>
      <h1>Bookings</h1>
      <TodayVisits />
      <section aria-labelledby="upcoming-heading" aria-busy={bookings.isLoading}>
        <h2 id="upcoming-heading">Upcoming</h2>
        <QueryStatus query={bookings} what="bookings" />
        {bookings.data && upcoming.length === 0 && <p>No upcoming bookings.</p>}
        <ul className="list">
          {upcoming.map((booking) => {
            const zone = booking.dateTime.providerTimezone;
            const headingId = `booking-${booking.id}`;
            return (
              <li key={booking.id} className="card" data-booking-id={booking.id} data-testid="booking-card">
                <h3 id={headingId}>
                  {formatInZone(startOf(booking), zone)} — {booking.patientName ?? 'Patient'}, {booking.service.name}
                </h3>
                <p>
                  <StatusBadge status={booking.status} /> · {booking.bookingNumber}
                </p>
                <h4>Status timeline</h4>
                <ol className="timeline">
                  {timelineOf(booking).map((entry) => (
                    <li key={`${entry.label}-${entry.at}`}>
                      {entry.label}: <time dateTime={entry.at}>{formatInZone(entry.at, zone)}</time>
                      {entry.proposed && (
                        <>
                          {' '}
                          (for <time dateTime={entry.proposed}>{formatInZone(entry.proposed, zone)}</time>)
                        </>
                      )}
                    </li>
                  ))}
                </ol>
              </li>
            );
          })}
        </ul>
      </section>
    </>
  );
}
