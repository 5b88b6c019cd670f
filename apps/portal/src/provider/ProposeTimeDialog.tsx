import { type FormEvent, useMemo, useState } from 'react';
import { ApiRequestError } from '../api/client.js';
import { useAvailability, useBookingAction } from '../api/queries.js';
import type { Booking } from '../api/types.js';
import { addDays, dateInZone, formatInZone, formatTimeInZone } from '../time/format.js';
import { DialogActions } from '../ui/DialogActions.js';
import { FormField } from '../ui/FormField.js';
import { Modal } from '../ui/Modal.js';
import { useToast } from '../ui/Toasts.js';

/** How far ahead a proposal may be picked from (availability answers at most 62 days). */
const PROPOSAL_DAYS = 14;

/**
 * Proposes another time: only slots the provider is actually free for (their availability for this
 * service, in their own zone), picked by day then time; the patient accepts or declines it.
 */
export function ProposeTimeDialog({ booking, onClose }: { booking: Booking; onClose: () => void }) {
  const zone = booking.dateTime.providerTimezone;
  const from = dateInZone(new Date(), zone);
  const availability = useAvailability(booking.providerId, booking.service.serviceId, from, addDays(from, PROPOSAL_DAYS - 1));
  const days = useMemo(() => {
    const byDay = new Map<string, string[]>();
    for (const slot of availability.data?.slots ?? []) {
      if (slot.start === booking.dateTime.requestedStart) continue;
      const day = dateInZone(slot.start, zone);
      byDay.set(day, [...(byDay.get(day) ?? []), slot.start]);
    }
    return byDay;
  }, [availability.data, booking.dateTime.requestedStart, zone]);
  const [day, setDay] = useState<string | null>(null);
  const [start, setStart] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  const propose = useBookingAction();
  const toast = useToast();
  const shownDay = day ?? days.keys().next().value ?? null;
  const idBase = `propose-${booking.id}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!start) return setError('Choose one of the free times.');
    setError(null);
    propose.mutate(
      { id: booking.id, action: 'reschedule', body: { startTime: start, ...(message.trim() ? { message: message.trim() } : {}) } },
      {
        onSuccess: () => {
          toast(`New time proposed for ${booking.bookingNumber}: ${formatInZone(start, zone)}`);
          onClose();
        },
        onError: (failure) => setError(failure instanceof ApiRequestError ? failure.message : 'The proposal failed; try again.'),
      },
    );
  };

  return (
    <Modal title={`Propose a new time to ${booking.patientName ?? 'the patient'}`} onClose={onClose}>
      <p>
        Requested: {formatInZone(booking.dateTime.requestedStart, zone)}. Times are in your zone ({zone}).
      </p>
      <form onSubmit={submit} noValidate aria-busy={availability.isLoading || propose.isPending}>
        {availability.isLoading && <p role="status">Loading your free times…</p>}
        {availability.error && (
          <p className="error" role="alert">
            Your availability could not be loaded: {availability.error.message}
          </p>
        )}
        {availability.data && days.size === 0 && <p>No free time in the next {PROPOSAL_DAYS} days. Change your hours in Booking settings.</p>}
        {shownDay && (
          <>
            <FormField id={`${idBase}-day`} label="Day">
              {(props) => (
                <select
                  {...props}
                  data-autofocus
                  value={shownDay}
                  onChange={(e) => {
                    setDay(e.target.value);
                    setStart(null);
                  }}
                >
                  {[...days.keys()].map((key) => (
                    <option key={key} value={key}>
                      {formatInZone(days.get(key)![0]!, zone, { hour: undefined, minute: undefined, timeZoneName: undefined })}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <fieldset aria-describedby={error ? `${idBase}-error` : undefined}>
              <legend>Free times</legend>
              <div className="slots">
                {(days.get(shownDay) ?? []).map((slot) => (
                  <label key={slot} className="choice">
                    <input type="radio" name={`${idBase}-slot`} value={slot} checked={start === slot} onChange={() => setStart(slot)} />{' '}
                    {formatTimeInZone(slot, zone)}
                  </label>
                ))}
              </div>
            </fieldset>
          </>
        )}
        {error && (
          <p id={`${idBase}-error`} className="error" role="alert">
            {error}
          </p>
        )}
        <FormField id={`${idBase}-message`} label="Message to the patient (optional)" help="Up to 500 characters.">
          {(props) => <textarea {...props} rows={2} maxLength={500} value={message} onChange={(e) => setMessage(e.target.value)} />}
        </FormField>
        <DialogActions label="Propose this time" pendingLabel="Proposing…" pending={propose.isPending} onCancel={onClose} />
      </form>
    </Modal>
  );
}
