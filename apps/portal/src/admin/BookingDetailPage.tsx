import './admin.css';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import type { BookingStatus } from '../api/types.js';
import { formatInZone, formatMoney } from '../time/format.js';
import { QueryStatus } from '../ui/QueryStatus.js';
import { StatusBadge, statusLabel } from '../ui/StatusBadge.js';
import { Terms } from '../ui/Terms.js';
import { DataTable } from './DataTable.js';
import { OverrideDialog } from './OverrideDialog.js';
import { flagReason } from './labels.js';
import { useAdminBooking, useBookingNotifications, useCalendarEvent } from './queries.js';
import { RefundDialog, refundable } from './RefundDialog.js';
import type { AdminBooking, AuditEvent, PaymentRecord } from './types.js';

const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const at = (iso: string | undefined) => (iso ? <time dateTime={iso}>{formatInZone(iso, zone())}</time> : '—');

function auditLine(event: AuditEvent): string {
  const moved =
    event.previousStatus && event.newStatus && event.previousStatus !== event.newStatus
      ? `: ${statusLabel(event.previousStatus as BookingStatus, 'admin')} → ${statusLabel(event.newStatus as BookingStatus, 'admin')}`
      : '';
  const reason = typeof event.data?.['reason'] === 'string' ? ` — “${event.data['reason']}”` : '';
  const note = typeof event.data?.['note'] === 'string' ? ` — “${event.data['note']}”` : '';
  return `${event.eventType.replaceAll('_', ' ')}${moved}${reason}${note} (by ${event.actor.type ?? 'system'}${event.actor.id ? ` ${event.actor.id}` : ''})`;
}

function AuditTrail({ audit }: { audit: AuditEvent[] }) {
  return (
    <section aria-labelledby="audit-heading" className="card">
      <h2 id="audit-heading">Audit trail</h2>
      <ol className="timeline" data-testid="audit-trail">
        {audit.map((event, index) => (
          <li key={`${event.timestamp}-${index}`} data-event-type={event.eventType}>
            {at(event.timestamp)}: {auditLine(event)}
          </li>
        ))}
      </ol>
    </section>
  );
}

function PaymentSection({ payment }: { payment: PaymentRecord | null }) {
  return (
    <section aria-labelledby="payment-heading" className="card" data-testid="payment-record">
      <h2 id="payment-heading">Payment record</h2>
      {!payment ? (
        <p>payment-svc has no payment for this booking yet.</p>
      ) : (
        <>
          <Terms
            testId="payment-terms"
            rows={[
              ['Status', <span data-payment-status={payment.status}>{payment.status.replaceAll('_', ' ')}</span>],
              ['Amount', formatMoney(payment.amountCents, payment.currency)],
              ['Captured', formatMoney(payment.capturedCents, payment.currency)],
              ['Refunded', formatMoney(payment.refundedCents, payment.currency)],
              ['Capture deferred', payment.captureDeferred ? 'Yes (kill switch on)' : 'No'],
              ['Payment intent', payment.paymentIntentId ?? '—'],
            ]}
          />
          <h3>Refunds</h3>
          {payment.refunds.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul data-testid="refunds">
              {payment.refunds.map((refund, index) => (
                <li key={refund.refundId ?? index}>
                  {formatMoney(refund.amountCents, payment.currency)} by {refund.initiatedBy ?? 'system'}: {refund.reason ?? 'no reason'} (
                  {at(refund.createdAt)})
                </li>
              ))}
            </ul>
          )}
          {(payment.disputes ?? []).map((dispute) => (
            <p key={dispute.disputeId} className={dispute.status === 'open' ? 'error' : undefined}>
              Dispute {dispute.status}: {formatMoney(dispute.amountCents, payment.currency)} ({dispute.reason ?? 'no reason given'})
            </p>
          ))}
        </>
      )}
    </section>
  );
}

function NotificationsSection({ id }: { id: string }) {
  const notifications = useBookingNotifications(id);
  return (
    <section aria-labelledby="notifications-heading" aria-busy={notifications.isLoading} className="card">
      <h2 id="notifications-heading">Notifications</h2>
      <QueryStatus query={notifications} what="notifications" />
      {notifications.data?.length === 0 && <p>Nothing was sent about this booking.</p>}
      {notifications.data && notifications.data.length > 0 && (
        <DataTable columns={['To', 'Channel', 'Message', 'Status', 'Attempts', 'When']} testId="notifications">
          {notifications.data.map((n) => (
            <tr key={n.id}>
              <td>{n.recipientRole}</td>
              <td>{n.channel}</td>
              <td>{n.template}</td>
              <td>
                {n.status}
                {n.lastErrorCode && ` (${n.lastErrorCode})`}
                {n.skippedReason && ` (${n.skippedReason})`}
              </td>
              <td>{n.attempts}</td>
              <td>{at(n.sentAt ?? n.failedAt ?? n.createdAt)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

function CalendarSection({ id }: { id: string }) {
  const event = useCalendarEvent(id);
  return (
    <section aria-labelledby="calendar-heading" aria-busy={event.isLoading} className="card" data-testid="calendar-event">
      <h2 id="calendar-heading">Calendar event</h2>
      <QueryStatus query={event} what="the calendar event" />
      {event.data === null && <p>No calendar event: the provider has no connected calendar for it.</p>}
      {event.data && (
        <Terms
          rows={[
            ['Sync', event.data.status],
            ['Calendar', event.data.calendarProvider ?? '—'],
            ['Event', event.data.eventLink ? <a href={event.data.eventLink}>{event.data.externalEventId ?? 'open'}</a> : (event.data.externalEventId ?? '—')],
            ['Attempts', String(event.data.attempts)],
            ['Last error', event.data.lastError ?? '—'],
            ['Next attempt', at(event.data.nextAttemptAt)],
          ]}
        />
      )}
    </section>
  );
}

function Summary({ booking }: { booking: AdminBooking }) {
  return (
    <Terms
      testId="booking-summary"
      rows={[
        ['Status', <StatusBadge status={booking.status} audience="admin" />],
        ['Type', booking.bookingType === 'instant' ? 'Instant' : 'Request'],
        ['Service', `${booking.service.name}, ${formatMoney(booking.service.priceCents, booking.service.currency)}`],
        ['Appointment', at(booking.dateTime.confirmedStart ?? booking.dateTime.requestedStart)],
        ['Provider', <Link to={`/admin/bookings?providerId=${encodeURIComponent(booking.providerId)}`}>{booking.providerId}</Link>],
        ['Patient', booking.patientName ? `${booking.patientName} (${booking.patientId})` : booking.patientId],
        ['Answer due', at(booking.confirmation.expiresAt)],
        ['Needs an admin', booking.needsAdmin ? `Yes: ${flagReason(booking)}` : 'No'],
      ]}
    />
  );
}

/** One booking as an admin sees it: its state, the actions only an admin has, and everything that happened to it. */
export function BookingDetailPage() {
  const { id = '' } = useParams();
  const booking = useAdminBooking(id);
  const [dialog, setDialog] = useState<'override' | 'refund' | null>(null);
  const data = booking.data;
  const payment = data?.paymentRecord ?? null;
  return (
    <>
      <h1>Booking {data?.bookingNumber ?? id}</h1>
      <p>
        <Link to="/admin/bookings">Back to the search</Link>
      </p>
      <div aria-busy={booking.isLoading}>
        <QueryStatus query={booking} what="the booking" />
        {data && (
          <>
            <section aria-labelledby="summary-heading" className="card">
              <h2 id="summary-heading">Summary</h2>
              <Summary booking={data} />
              <div className="actions">
                <button type="button" className="button danger" onClick={() => setDialog('override')}>
                  Override status
                </button>
                <button type="button" className="button" disabled={!payment || refundable(payment) === 0} onClick={() => setDialog('refund')}>
                  Refund
                </button>
              </div>
            </section>
            <AuditTrail audit={data.audit} />
            <PaymentSection payment={payment} />
            <NotificationsSection id={id} />
            <CalendarSection id={id} />
            {dialog === 'override' && <OverrideDialog booking={data} onClose={() => setDialog(null)} />}
            {dialog === 'refund' && payment && <RefundDialog booking={data} payment={payment} onClose={() => setDialog(null)} />}
          </>
        )}
      </div>
    </>
  );
}
