import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatInZone } from '../time/format.js';
import { QueryStatus } from '../ui/QueryStatus.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { AcknowledgeDialog } from './AcknowledgeDialog.js';
import { flagReason } from './labels.js';
import { useNeedsAdmin } from './queries.js';
import type { AdminListedBooking } from './types.js';

/** Bookings only a person can settle (a dispute, a failed late capture, a lapsing hold), longest waiting first. */
export function NeedsAdminList() {
  const flagged = useNeedsAdmin();
  const [acknowledging, setAcknowledging] = useState<AdminListedBooking | null>(null);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <section aria-labelledby="needs-admin-heading" aria-busy={flagged.isLoading} className="card" data-testid="needs-admin">
      <h2 id="needs-admin-heading">Waiting for an admin</h2>
      <QueryStatus query={flagged} what="the flagged bookings" />
      {flagged.data?.length === 0 && <p>Nothing is waiting for an admin.</p>}
      <ul className="list">
        {flagged.data?.map((booking) => (
          <li key={booking.id} className="flagged" data-booking-id={booking.id}>
            <p>
              <Link to={`/admin/bookings/${encodeURIComponent(booking.id)}`}>{booking.bookingNumber}</Link>{' '}
              <StatusBadge status={booking.status} audience="admin" /> — {flagReason(booking)}
              {booking.needsAdminSince && (
                <>
                  , since <time dateTime={booking.needsAdminSince}>{formatInZone(booking.needsAdminSince, zone)}</time>
                </>
              )}
            </p>
            <button type="button" className="button" onClick={() => setAcknowledging(booking)} aria-label={`Acknowledge ${booking.bookingNumber}`}>
              Acknowledge
            </button>
          </li>
        ))}
      </ul>
      {acknowledging && <AcknowledgeDialog booking={acknowledging} onClose={() => setAcknowledging(null)} />}
    </section>
  );
}
