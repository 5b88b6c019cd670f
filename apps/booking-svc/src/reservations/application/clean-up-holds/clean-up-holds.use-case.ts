import { Injectable, Logger } from '@nestjs/common';
import { counter } from '@bp/platform';
import { bookingMetrics } from '../../../bookings/application/booking-metrics.js';
import { SlotClaimStore } from '../../../slots/infrastructure/slot-claim.store.js';
import { ReservationRepository } from '../../infrastructure/reservation.repository.js';

/** How much one run takes on; a backlog is worked through by the next runs (every minute). */
const BATCH = 500;

const cleaned = () => counter('booking_cleanup_removed_total', 'Lapsed holds removed by the cleanup job', ['kind']);

export interface CleanUpResult {
  reservationsExpired: number;
  /** Lapsed reservations whose booking was written without the reservation being marked converted. */
  reservationsConverted: number;
  claimsDeleted: number;
  /** Holds made permanent because their booking still holds them. */
  holdsRepaired: number;
}

/**
 * The spec's every-minute cleanup, run when scheduler-svc says so. Correctness never waits for it (a
 * lapsed hold already counts as free, unless its booking holds it), so it tidies and repairs: the
 * claims of lapsed holds are deleted, a lapsed hold its booking still holds is made permanent (a
 * booking's creation or change that stopped after its write), and lapsed reservations are marked
 * expired, or converted when their hold is a booking's. Every step is conditional and idempotent: a
 * redelivered command finds nothing left to do. (Old records go by the service's retention:
 * src/retention.ts.)
 */
@Injectable()
export class CleanUpHoldsUseCase {
  private readonly logger = new Logger(CleanUpHoldsUseCase.name);

  constructor(
    private readonly reservations: ReservationRepository,
    private readonly claims: SlotClaimStore,
  ) {}

  async execute(now: Date = new Date()): Promise<CleanUpResult> {
    // Holds first: a reservation whose hold is repaired here is converted below, not expired.
    const { deleted: claimsDeleted, repaired } = await this.claims.deleteLapsed(now, BATCH * 10);
    if (repaired.length > 0) this.logger.warn({ message: 'made permanent the lapsed holds of written bookings', holdIds: repaired });
    let reservationsExpired = 0;
    let reservationsConverted = 0;
    for (const reservation of await this.reservations.findLapsed(now, BATCH)) {
      if (await this.claims.isPermanent(reservation.id)) {
        await this.reservations.markConverted(reservation.id, now);
        reservationsConverted++;
      } else if (await this.reservations.markExpired(reservation, now)) reservationsExpired++;
    }
    cleaned().inc({ kind: 'reservation' }, reservationsExpired);
    cleaned().inc({ kind: 'slot_claim' }, claimsDeleted);
    bookingMetrics.holdsRepaired().inc(repaired.length);
    const result = { reservationsExpired, reservationsConverted, claimsDeleted, holdsRepaired: repaired.length };
    this.logger.log({ message: 'cleanup done', ...result });
    return result;
  }
}
