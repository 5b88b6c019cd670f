/** What a change does to a provider's time; the slot ledger carries it out around the change's write. */
export type SlotEffect =
  /** Take the time [start, end) (plus the buffer) for a new hold. */
  | { kind: 'claim_slot'; holdId: string; start: Date; end: Date }
  /**
   * A hold becomes booking `bookingId`'s: it stops lapsing (and frees the patient's reservation place).
   * The hold names the booking before the booking's write, so a hold left lapsing by a write whose next
   * steps never ran still counts for as long as the booking holds it (SlotClaimStore).
   */
  | { kind: 'make_slot_permanent'; holdId: string; bookingId: string }
  | { kind: 'release_slot'; holdId: string };

/** The slot effects of one write, with what the ledger needs to know to carry them out. */
export interface SlotPlan {
  providerId: string;
  bufferMinutes: number;
  effects: readonly SlotEffect[];
  /**
   * When the claims this plan takes lapse unless a later write makes them permanent (a reservation's
   * expiry, a proposed time's answer deadline). Without it they lapse a grace period after the write,
   * unless the commit makes them permanent.
   */
  claimsLapseAt?: Date;
  /** A new reservation: its hold is the patient's and takes one of their `placeLimit` reservation places. */
  patient?: { id: string; placeLimit: number };
}
