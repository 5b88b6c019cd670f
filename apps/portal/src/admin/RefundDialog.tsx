import { type FormEvent, useState } from 'react';
import { formatMoney } from '../time/format.js';
import { DialogActions } from '../ui/DialogActions.js';
import { FormField } from '../ui/FormField.js';
import { Modal } from '../ui/Modal.js';
import { useToast } from '../ui/Toasts.js';
import { type FieldErrors, FormError, errorsFrom } from './form-errors.js';
import { useRefund } from './queries.js';
import type { AdminBooking, PaymentRecord } from './types.js';

/** What can still be refunded: what was captured less what was refunded already. */
export function refundable(payment: PaymentRecord): number {
  return Math.max(0, payment.capturedCents - payment.refundedCents);
}

/** Refunds all that remains or part of it, with a reason (payment-svc refuses more than remains, and refunds while disputed). */
export function RefundDialog({ booking, payment, onClose }: { booking: AdminBooking; payment: PaymentRecord; onClose: () => void }) {
  const remaining = refundable(payment);
  const [full, setFull] = useState(true);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldErrors<'amountCents' | 'reason'>>({});
  const refund = useRefund();
  const toast = useToast();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const cents = full ? undefined : Math.round(Number(amount) * 100);
    const found: FieldErrors<'amountCents' | 'reason'> = {};
    if (cents !== undefined && (!Number.isFinite(cents) || cents < 1 || cents > remaining))
      found.amountCents = `Enter an amount from ${formatMoney(1, payment.currency)} to ${formatMoney(remaining, payment.currency)}.`;
    if (!reason.trim()) found.reason = 'Give a reason: the refund records it.';
    setErrors(found);
    if (found.amountCents || found.reason) return;
    refund.mutate(
      { id: booking.id, body: { ...(cents === undefined ? {} : { amountCents: cents }), reason: reason.trim() } },
      {
        onSuccess: (after) => {
          toast(`Refunded: ${formatMoney(after.refundedCents, after.currency)} in all for ${booking.bookingNumber}`);
          onClose();
        },
        onError: (failure) => setErrors(errorsFrom(failure, ['amountCents', 'reason'])),
      },
    );
  };

  return (
    <Modal title={`Refund booking ${booking.bookingNumber}`} onClose={onClose}>
      <form onSubmit={submit} noValidate aria-busy={refund.isPending} data-testid="refund-form">
        <fieldset>
          <legend>How much</legend>
          <label className="choice">
            <input type="radio" name="refund-extent" value="full" checked={full} onChange={() => setFull(true)} data-autofocus /> Everything that remains (
            {formatMoney(remaining, payment.currency)})
          </label>
          <label className="choice">
            <input type="radio" name="refund-extent" value="part" checked={!full} onChange={() => setFull(false)} /> Part of it
          </label>
        </fieldset>
        {!full && (
          <FormField id="refund-amount" label={`Amount (${payment.currency.toUpperCase()})`} error={errors.amountCents}>
            {(props) => (
              <input {...props} type="number" inputMode="decimal" min="0.01" step="0.01" value={amount} onChange={(e) => setAmount(e.target.value)} />
            )}
          </FormField>
        )}
        <FormField id="refund-reason" label="Reason" help="Required, up to 500 characters." error={errors.reason}>
          {(props) => <textarea {...props} rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} required />}
        </FormField>
        <FormError message={errors.form} />
        <DialogActions label="Refund" pendingLabel="Refunding…" pending={refund.isPending} onCancel={onClose} danger />
      </form>
    </Modal>
  );
}
