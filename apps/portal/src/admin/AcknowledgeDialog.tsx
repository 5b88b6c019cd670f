import { type FormEvent, useState } from 'react';
import { DialogActions } from '../ui/DialogActions.js';
import { FormField } from '../ui/FormField.js';
import { Modal } from '../ui/Modal.js';
import { useToast } from '../ui/Toasts.js';
import { type FieldErrors, FormError, errorsFrom } from './form-errors.js';
import { flagReason } from './labels.js';
import { useAcknowledge } from './queries.js';
import type { AdminListedBooking } from './types.js';

/** Clears a booking's flag for an admin, with a note of what was done (audited as admin_acknowledged). */
export function AcknowledgeDialog({ booking, onClose }: { booking: AdminListedBooking; onClose: () => void }) {
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FieldErrors<'note'>>({});
  const acknowledge = useAcknowledge();
  const toast = useToast();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!note.trim()) return setErrors({ note: 'Say what you did about it (it is kept in the audit trail).' });
    setErrors({});
    acknowledge.mutate(
      { id: booking.id, body: { note: note.trim() } },
      {
        onSuccess: () => {
          toast(`Booking ${booking.bookingNumber} acknowledged`);
          onClose();
        },
        onError: (failure) => setErrors(errorsFrom(failure, ['note'])),
      },
    );
  };

  return (
    <Modal title={`Acknowledge booking ${booking.bookingNumber}`} onClose={onClose}>
      <p>Flagged: {flagReason(booking)}</p>
      <form onSubmit={submit} noValidate aria-busy={acknowledge.isPending}>
        <FormField id="acknowledge-note" label="What you did" help="Up to 500 characters; kept in the booking’s audit trail." error={errors.note}>
          {(props) => <textarea {...props} data-autofocus rows={3} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} required />}
        </FormField>
        <FormError message={errors.form} />
        <DialogActions label="Acknowledge" pendingLabel="Saving…" pending={acknowledge.isPending} onCancel={onClose} />
      </form>
    </Modal>
  );
}
