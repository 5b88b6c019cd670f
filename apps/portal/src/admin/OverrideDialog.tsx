import { type FormEvent, useState } from 'react';
import type { BookingStatus } from '../api/types.js';
import { DialogActions } from '../ui/DialogActions.js';
import { FormField } from '../ui/FormField.js';
import { Modal } from '../ui/Modal.js';
import { STATUS_PRESENTATION, statusLabel } from '../ui/StatusBadge.js';
import { useToast } from '../ui/Toasts.js';
import { type FieldErrors, FormError, errorsFrom } from './form-errors.js';
import { useOverride } from './queries.js';
import type { AdminBooking } from './types.js';

/** Forces a booking into any status; the reason is required and kept in the audit trail (admin_override). Money follows (docs/failure-model.md). */
export function OverrideDialog({ booking, onClose }: { booking: AdminBooking; onClose: () => void }) {
  const targets = (Object.keys(STATUS_PRESENTATION) as BookingStatus[]).filter((status) => status !== booking.status);
  const [status, setStatus] = useState<BookingStatus | ''>('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors<'status' | 'reason'>>({});
  const override = useOverride();
  const toast = useToast();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const missing: FieldErrors<'status' | 'reason'> = {};
    if (!status) missing.status = 'Choose the status to move the booking to.';
    if (!reason.trim()) missing.reason = 'Give a reason: it is kept in the audit trail.';
    setErrors(missing);
    if (!status || missing.reason) return;
    override.mutate(
      { id: booking.id, body: { status, reason: reason.trim() } },
      {
        onSuccess: () => {
          toast(`Booking ${booking.bookingNumber} is now ${statusLabel(status, 'admin')}`);
          onClose();
        },
        onError: (failure) => setErrors(errorsFrom(failure, ['status', 'reason'])),
      },
    );
  };

  return (
    <Modal title={`Override booking ${booking.bookingNumber}`} onClose={onClose}>
      <p>
        Now: <strong>{statusLabel(booking.status, 'admin')}</strong>. A hold is released, captured or refunded as the new status needs.
      </p>
      <form onSubmit={submit} noValidate aria-busy={override.isPending} data-testid="override-form">
        <FormField id="override-status" label="New status" error={errors.status}>
          {(props) => (
            <select {...props} data-autofocus value={status} onChange={(e) => setStatus(e.target.value as BookingStatus)} required>
              <option value="">Choose a status</option>
              {targets.map((target) => (
                <option key={target} value={target}>
                  {statusLabel(target, 'admin')}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField id="override-reason" label="Reason" help="Required, up to 500 characters; kept in the audit trail." error={errors.reason}>
          {(props) => <textarea {...props} rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} required />}
        </FormField>
        <FormError message={errors.form} />
        <DialogActions label="Override status" pendingLabel="Overriding…" pending={override.isPending} onCancel={onClose} danger />
      </form>
    </Modal>
  );
}
