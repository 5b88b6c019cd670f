import fc from 'fast-check';
import { BookingErrorCode } from '../../shared/domain/booking-error.js';
import { BOOKING_STATUSES, type BookingStatus, TERMINAL_STATUSES, VALID_TRANSITIONS, assertTransition, canTransition, isTerminal } from './booking-status.js';

/** The spec's table as written there (STATE MACHINE → Transition Validation), kept apart from the code under test. */
const SPEC_TABLE: Record<string, string[]> = {
  slot_reserved: ['pending_payment', 'expired', 'cancelled_patient'],
  pending_payment: ['confirmed', 'pending_confirmation', 'payment_failed', 'cancelled_patient'],
  pending_confirmation: ['confirmed', 'expired', 'reschedule_proposed', 'cancelled_patient', 'cancelled_provider'],
  reschedule_proposed: ['confirmed', 'cancelled_patient', 'expired'],
  confirmed: ['checked_in', 'cancelled_patient', 'cancelled_provider', 'no_show'],
  checked_in: ['in_progress', 'no_show'],
  in_progress: ['completed', 'no_show'],
  completed: [],
  cancelled_patient: [],
  cancelled_provider: [],
  cancelled_admin: [],
  expired: [],
  no_show: [],
  payment_failed: ['pending_payment'],
};

const status = fc.constantFrom(...BOOKING_STATUSES);

/** The failure paths' additions are only ever ways out of a waiting or failed state, never out of a terminal one. */
const FAILURE_ADDITIONS: Record<string, string[]> = {
  pending_payment: ['expired'],
  pending_confirmation: ['payment_failed'],
  reschedule_proposed: ['payment_failed'],
  payment_failed: ['cancelled_patient', 'cancelled_provider', 'expired'],
};

describe('booking state machine', () => {
  it('allows exactly the transitions of the spec’s table and the failure paths’ additions', () => {
    fc.assert(
      fc.property(status, status, (from, to) => {
        const allowedBySpec = (SPEC_TABLE[from] ?? []).includes(to) || (FAILURE_ADDITIONS[from] ?? []).includes(to);
        expect(canTransition(from, to)).toBe(allowedBySpec);
        if (allowedBySpec) expect(() => assertTransition(from, to)).not.toThrow();
        else expect(() => assertTransition(from, to)).toThrow(expect.objectContaining({ code: BookingErrorCode.InvalidTransition }));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps terminal states terminal along any path', () => {
    fc.assert(
      fc.property(status, fc.array(status, { maxLength: 12 }), (start, attempts) => {
        let current: BookingStatus = start;
        let reachedTerminal = isTerminal(current);
        for (const next of attempts) {
          if (canTransition(current, next)) {
            expect(reachedTerminal).toBe(false);
            current = next;
            reachedTerminal ||= isTerminal(current);
          }
        }
      }),
    );
  });

  it('lists every status of the spec, with no transition out of a terminal one', () => {
    expect([...BOOKING_STATUSES].sort()).toEqual([...Object.keys(SPEC_TABLE), 'reschedule_pending'].sort());
    for (const terminal of TERMINAL_STATUSES) expect(VALID_TRANSITIONS[terminal]).toEqual([]);
  });
});
