import { ApiRequestError } from '../api/client.js';
import { useBookingAction } from '../api/queries.js';
import type { Booking } from '../api/types.js';
import { useToast } from '../ui/Toasts.js';
import { VISIT_ACTIONS } from './visits.js';

/** The buttons for a visit's next step (check in, start, complete, no-show), named for the patient they act on. */
export function VisitActions({ booking, describedBy }: { booking: Booking; describedBy: string }) {
  const act = useBookingAction();
  const toast = useToast();
  const actions = VISIT_ACTIONS[booking.status] ?? [];
  if (actions.length === 0) return null;
  return (
    <>
      {act.error && (
        <p className="error" role="alert">
          {act.error instanceof ApiRequestError ? act.error.message : 'That did not work; try again.'}
        </p>
      )}
      <div className="actions">
        {actions.map(({ action, label, done }) => (
          <button
            key={action}
            type="button"
            className={`button${action === 'no-show' ? ' danger' : ' primary'}`}
            disabled={act.isPending}
            aria-describedby={describedBy}
            onClick={() => act.mutate({ id: booking.id, action }, { onSuccess: () => toast(`${booking.patientName ?? 'The patient'}’s visit ${done}`) })}
          >
            {label}
          </button>
        ))}
      </div>
    </>
  );
}
