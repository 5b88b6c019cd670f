import { Injectable, Logger } from '@nestjs/common';
import { counter } from '@bp/platform';
import { SlotClaimStore } from '../../../slots/infrastructure/slot-claim.store.js';
import { ReservationRepository } from '../../infrastructure/reservation.repository.js';

/** How much one run takes on; a backlog is worked through by the next runs (every minute). */
const BATCH = 500;

const cleaned = () => counter('booking_cleanup_removed_total', 'Lapsed holds removed by the cleanup job', ['kind']);

export interface CleanUpResult {
  reservationsExpired: number;
  claimsDeleted: number;
}

/**
 * The spec's every-minute cleanup, run when scheduler-svc says so. Correctness never waits for it (a
 * lapsed hold already counts as free), so it only tidies: lapsed reservations are marked expired and
 * the claims of lapsed holds are deleted. Every step is conditional and idempotent: a redelivered
 * command finds nothing left to do. (Old records go by the service's retention: src/retention.ts.)
 */
@Injectable()
export class CleanUpHoldsUseCase {
  private readonly logger = new Logger(CleanUpHoldsUseCase.name);

  constructor(
    private readonly reservations: ReservationRepository,
    private readonly claims: SlotClaimStore,
  ) {}

  async execute(now: Date = new Date()): Promise<CleanUpResult> {
    let reservationsExpired = 0;
    for (const reservation of await this.reservations.findLapsed(now, BATCH)) if (await this.reservations.markExpired(reservation, now)) reservationsExpired++;
    const claimsDeleted = await this.claims.deleteLapsed(now, BATCH * 10);
    cleaned().inc({ kind: 'reservation' }, reservationsExpired);
    cleaned().inc({ kind: 'slot_claim' }, claimsDeleted);
    const result = { reservationsExpired, claimsDeleted };
    this.logger.log({ message: 'cleanup done', ...result });
    return result;
  }
}
