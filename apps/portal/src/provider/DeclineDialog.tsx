import { type FormEvent, useState } from 'react';
import { ApiRequestError } from '../api/client.js';
import { useBookingAction } from '../api/queries.js';
import type { Booking } from '../api/types.js';
import { DialogActions } from '../ui/DialogActions.js';
import { FormField } from '../ui/FormField.js';
import { Modal } from '../ui/Modal.js';
import { useToast } from '../ui/Toasts.js';

/** Declining releases the patient's card hold; the reason is sent to the patient (at most 500 characters). */
export function DeclineDialog({ booking, onClose }: { booking: Booking; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const decline = useBookingAction();
  const toast = useToast();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) return setError('Give the patient a reason (they will see it).');
    setError(null);
    decline.mutate(
      { id: booking.id, action: 'decline', body: { reason: reason.trim() } },
      {
        onSuccess: () => {
          toast(`Request ${booking.bookingNumber} declined`);
          onClose();
        },
        onError: (failure) =>
          setError(failure instanceof ApiRequestError ? (failure.fieldMessages()['reason'] ?? failure.message) : 'Declining failed; try again.'),
      },
    );
  };

  return (
    <Modal title={`Decline ${booking.patientName ?? 'the patient'}’s request`} onClose={onClose}>
      <form onSubmit={submit} noValidate aria-busy={decline.isPending}>
        <FormField id={`decline-reason-${booking.id}`} label="Reason for the patient" help="Up to 500 characters. Their card hold is released." error={error}>
          {(props) => <textarea {...props} data-autofocus rows={4} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} required />}
        </FormField>
        <DialogActions label="Decline request" pendingLabel="Declining…" pending={decline.isPending} onCancel={onClose} danger />
      </form>
    </Modal>
  );
}
