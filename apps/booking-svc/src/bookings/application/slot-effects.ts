import { Injectable } from '@nestjs/common';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import { SlotClaimStore } from '../../slots/infrastructure/slot-claim.store.js';
import type { Booking } from '../domain/booking.js';
import type { BookingChange } from '../domain/booking-transitions.js';

/** How long claims being turned into a booking's are kept alive around the booking write. */
const CONVERSION_GRACE_MS = 10 * 60_000;

/**
 * Carries out a change's slot effects around its write: claims are taken (with an expiry) before
 * it, so a failure or crash leaves nothing that does not lapse by itself; they are made permanent or
 * released only after the write succeeded.
 */
@Injectable()
export class SlotEffects {
  constructor(private readonly claims: SlotClaimStore) {}

  async before(change: BookingChange, now: Date): Promise<void> {
    const until = new Date(now.getTime() + CONVERSION_GRACE_MS);
    for (const effect of change.effects) {
      if (effect.kind === 'claim_slot') {
        const deadline = change.booking.reschedule.current?.responseDeadline ?? until;
        await this.claims.claimSlot(
          {
            holdId: effect.holdId,
            providerId: change.booking.providerId,
            start: effect.start,
            end: effect.end,
            bufferMinutes: change.booking.dateTime.bufferMinutes,
            expiresAt: deadline,
          },
          now,
        );
      }
      if (effect.kind === 'make_slot_permanent' && !(await this.claims.extend(effect.holdId, until, now))) {
        throw new BookingError(BookingErrorCode.ReservationExpired, 'The held slot lapsed before it could be booked; reserve it again');
      }
    }
  }

  /** The write failed: give back what `before` claimed. */
  async undo(change: BookingChange): Promise<void> {
    for (const effect of change.effects) if (effect.kind === 'claim_slot') await this.claims.release(effect.holdId);
  }

  async after(change: BookingChange): Promise<void> {
    for (const effect of change.effects) {
      if (effect.kind === 'make_slot_permanent') await this.claims.makePermanent(effect.holdId);
      if (effect.kind === 'release_slot') await this.claims.release(effect.holdId);
    }
  }

  /** Frees whatever a booking holds (used when it ends outside a transition, e.g. an admin override). */
  async releaseAll(booking: Booking): Promise<void> {
    await this.claims.release(booking.holdId);
    if (booking.reschedule.current) await this.claims.release(booking.reschedule.current.holdId);
  }
}
