import type { BookingStatus } from '../api/types.js';

type Tone = 'pending' | 'confirmed' | 'expired' | 'cancelled' | 'active';

/** Each status in words (never colour alone) and in one of the spec's contrast-checked colour pairs. */
export const STATUS_PRESENTATION: Record<BookingStatus, { label: string; tone: Tone }> = {
  slot_reserved: { label: 'Slot reserved', tone: 'pending' },
  pending_payment: { label: 'Awaiting payment', tone: 'pending' },
  pending_confirmation: { label: 'Awaiting your answer', tone: 'pending' },
  reschedule_proposed: { label: 'New time proposed', tone: 'pending' },
  reschedule_pending: { label: 'Reschedule pending', tone: 'pending' },
  confirmed: { label: 'Confirmed', tone: 'confirmed' },
  checked_in: { label: 'Checked in', tone: 'active' },
  in_progress: { label: 'In progress', tone: 'active' },
  completed: { label: 'Completed', tone: 'confirmed' },
  cancelled_patient: { label: 'Cancelled by patient', tone: 'cancelled' },
  cancelled_provider: { label: 'Cancelled by you', tone: 'cancelled' },
  cancelled_admin: { label: 'Cancelled by an admin', tone: 'cancelled' },
  expired: { label: 'Expired', tone: 'expired' },
  no_show: { label: 'No-show', tone: 'expired' },
  payment_failed: { label: 'Payment failed', tone: 'expired' },
};

/** Where the provider's wording speaks to the provider, an admin reads who it concerns. */
const ADMIN_LABELS: Partial<Record<BookingStatus, string>> = {
  pending_confirmation: 'Awaiting the provider',
  cancelled_provider: 'Cancelled by the provider',
};

export function statusLabel(status: BookingStatus, audience: 'provider' | 'admin' = 'provider'): string {
  return (audience === 'admin' ? ADMIN_LABELS[status] : undefined) ?? STATUS_PRESENTATION[status]?.label ?? status;
}

export function StatusBadge({ status, audience = 'provider' }: { status: BookingStatus; audience?: 'provider' | 'admin' }) {
  const tone = STATUS_PRESENTATION[status]?.tone ?? 'cancelled';
  const label = statusLabel(status, audience);
  return (
    <span className={`badge badge-${tone}`} data-status={status}>
      {label}
    </span>
  );
}
