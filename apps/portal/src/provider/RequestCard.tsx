import { useState } from 'react';
import { ApiRequestError } from '../api/client.js';
import { useBookingAction } from '../api/queries.js';
import type { Booking } from '../api/types.js';
import { formatInZone, formatMoney } from '../time/format.js';
import { Countdown, URGENT_WITHIN_MS } from '../ui/Countdown.js';
import { useToast } from '../ui/Toasts.js';
import { DeclineDialog } from './DeclineDialog.js';
import { ProposeTimeDialog } from './ProposeTimeDialog.js';

/**
 * One request waiting for the provider: who, what, when (in the provider's zone), the time left to
 * answer, and the three answers — confirm at once, decline with a reason, or propose another time
 * from the provider's real availability.
 */
export function RequestCard({ booking, headingLevel = 3 }: { booking: Booking; headingLevel?: 2 | 3 }) {
  const [dialog, setDialog] = useState<'decline' | 'propose' | null>(null);
  const confirm = useBookingAction();
  const toast = useToast();
  const zone = booking.dateTime.providerTimezone;
  const deadline = booking.confirmation.expiresAt;
  const urgent = deadline ? new Date(deadline).getTime() - Date.now() < URGENT_WITHIN_MS : false;
  const patient = booking.patientName ?? 'Patient';
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const headingId = `request-${booking.id}`;

  const onConfirm = () =>
    confirm.mutate({ id: booking.id, action: 'confirm' }, { onSuccess: () => toast(`Booking ${booking.bookingNumber} with ${patient} confirmed`) });

  return (
    <li className={`card${urgent ? ' card-urgent' : ''}`} aria-labelledby={headingId} data-booking-id={booking.id} data-testid="request-card">
      <Heading id={headingId}>
        {patient} — {booking.service.name}
      </Heading>
      <p>
        Requested for <time dateTime={booking.dateTime.requestedStart}>{formatInZone(booking.dateTime.requestedStart, zone)}</time> ·{' '}
        {booking.service.durationMinutes} min · {formatMoney(booking.service.priceCents, booking.service.currency)} · {booking.bookingNumber}
      </p>
      {deadline && <Countdown deadline={deadline} />}
      {confirm.error && (
        <p className="error" role="alert">
          {confirm.error instanceof ApiRequestError ? confirm.error.message : 'The confirmation failed; try again.'}
        </p>
      )}
      <div className="actions">
        <button type="button" className="button primary" onClick={onConfirm} disabled={confirm.isPending} aria-describedby={headingId}>
          {confirm.isPending ? 'Confirming…' : 'Confirm'}
        </button>
        <button type="button" className="button" onClick={() => setDialog('propose')} aria-describedby={headingId}>
          Propose new time
        </button>
        <button type="button" className="button danger" onClick={() => setDialog('decline')} aria-describedby={headingId}>
          Decline
        </button>
      </div>
      {dialog === 'decline' && <DeclineDialog booking={booking} onClose={() => setDialog(null)} />}
      {dialog === 'propose' && <ProposeTimeDialog booking={booking} onClose={() => setDialog(null)} />}
    </li>
  );
}
