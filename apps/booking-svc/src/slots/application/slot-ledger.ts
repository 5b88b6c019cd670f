import { Injectable } from '@nestjs/common';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import type { SlotPlan } from '../domain/slot-plan.js';
import { SlotClaimStore } from '../infrastructure/slot-claim.store.js';

/** How long the holds of a write are kept alive around it when nothing else says how long. */
const WRITE_GRACE_MS = 10 * 60_000;

/**
 * The one way a change takes or gives back a provider's time, in three steps around the write that
 * records it: `claim` before (everything that can be refused; what it takes lapses by itself, so a
 * crash leaves nothing behind), then `commit` once the write succeeded (holds made permanent or
 * released) or `abort` if it failed (what `claim` took is given back).
 */
@Injectable()
export class SlotLedger {
  constructor(private readonly claims: SlotClaimStore) {}

  /**
   * Takes the plan's new claims and keeps the holds it makes permanent alive through the write:
   * SLOT_UNAVAILABLE when a live hold has the time, RESERVATION_LIMIT_REACHED when the patient holds
   * all their places, RESERVATION_EXPIRED when a hold to be made permanent lapsed meanwhile.
   */
  async claim(plan: SlotPlan, now: Date): Promise<void> {
    const graceEnd = new Date(now.getTime() + WRITE_GRACE_MS);
    const lapseAt = plan.claimsLapseAt ?? graceEnd;
    for (const effect of plan.effects) {
      if (effect.kind === 'claim_slot') {
        // A refused slot gives back everything the hold claimed, the patient's place included.
        await this.claims.claimSlot(
          {
            holdId: effect.holdId,
            providerId: plan.providerId,
            ...(plan.patient ? { patientId: plan.patient.id } : {}),
            start: effect.start,
            end: effect.end,
            bufferMinutes: plan.bufferMinutes,
            expiresAt: lapseAt,
          },
          now,
          plan.patient?.placeLimit,
        );
      }
      if (effect.kind === 'make_slot_permanent' && !(await this.claims.extend(effect.holdId, graceEnd, now, effect.bookingId))) {
        throw new BookingError(BookingErrorCode.ReservationExpired, 'The held slot lapsed before it could be booked; reserve it again');
      }
    }
  }

  /** The write succeeded: holds become permanent, released holds free their time. */
  async commit(plan: SlotPlan): Promise<void> {
    for (const effect of plan.effects) {
      if (effect.kind === 'make_slot_permanent') await this.claims.makePermanent(effect.holdId);
      if (effect.kind === 'release_slot') await this.claims.release(effect.holdId);
    }
  }

  /** The write failed or gave way: what `claim` took is given back. */
  async abort(plan: SlotPlan): Promise<void> {
    for (const effect of plan.effects) if (effect.kind === 'claim_slot') await this.claims.release(effect.holdId);
  }
}
