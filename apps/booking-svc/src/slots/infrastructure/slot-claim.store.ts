import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { onlyDuplicates, writeFailures } from '@bp/platform';
import { SLOT_HOLDING_STATUSES, type BookingStatus } from '../../bookings/domain/booking-status.js';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import { granulesOf, patientClaimId, slotClaimId } from '../domain/slot-claims.js';

/**
 * One granule of a provider's time, or one of a patient's reservation places: a unique key naming its
 * hold. A granule counts while its hold does; a place while its hold is still a lapsing one (a
 * reservation), so a reservation that became a booking, was released or lapsed gives its place back
 * with no write of its own.
 */
interface ClaimDocument {
  _id: string;
  kind: 'slot' | 'patient';
  holdId: string;
  /** Patient places only: when their reservation lapses at the latest. */
  expiresAt?: Date;
  createdAt: Date;
}

/**
 * A hold on a provider's time: whether its slot claims still count. A hold lapses at `expiresAt` (a
 * reservation, a reschedule proposal); a booking's hold has none. `lapsing` is set exactly while
 * `expiresAt` is, so the cleanup finds the holds that can lapse by an equality.
 */
interface HoldDocument {
  _id: string;
  providerId: string;
  /** The patient a reservation's hold is for (a provider's proposal has none). */
  patientId?: string;
  expiresAt?: Date;
  lapsing?: true;
  /**
   * The booking the hold is becoming (set with the extension before that booking's write): once the
   * hold has lapsed or is permanent, it counts exactly while that booking holds it (SlotClaimStore's
   * `counts`), whatever step after a write never ran.
   */
  bookingId?: string;
  createdAt: Date;
}

/** What a hold's booking says about it: only its status and the hold it holds now. */
interface BookingHoldView {
  _id: string;
  status: BookingStatus;
  holdId: string;
}

export interface SlotHold {
  holdId: string;
  providerId: string;
  /** The patient it is for, when it is a patient's (a reservation): it then takes one of their places. */
  patientId?: string;
  start: Date;
  end: Date;
  bufferMinutes: number;
  /** Set for a reservation or a proposal (they lapse); omitted for a booking. */
  expiresAt?: Date;
}

const TAKEOVER_ROUNDS = 3;
/**
 * How long a granule seen held by a live hold is answered "taken" from memory: a hot slot's losers get
 * their 409 without a database round trip. Short, because the hold may be released meanwhile (then the
 * slot looks taken for at most this long); never used to let a claim through.
 */
const SEEN_TAKEN_MS = 1_000;
const SEEN_TAKEN_MAX = 10_000;

/** Which documents of a failed insert were there already; undefined when it failed for another reason. */
function duplicateKeyIndexes(error: unknown): number[] | undefined {
  return onlyDuplicates(error) ? writeFailures(error).map((failure) => failure.index ?? 0) : undefined;
}

function slotUnavailable(hold: SlotHold): BookingError {
  return new BookingError(BookingErrorCode.SlotUnavailable, 'This time is no longer available', {
    providerId: hold.providerId,
    start: hold.start,
    end: hold.end,
  });
}

/**
 * The unique-key claims behind "no double booking" and "at most N reservations per patient". A slot
 * claim counts while its hold does: the hold document exists and has not lapsed, or its booking holds
 * it (`counts`). A claim whose hold is gone or no longer counts is free: the next claimant deletes it,
 * by a conditional delete, and takes the key; correctness never waits for a cleanup job. Keeping the
 * hold's liveness in one document makes turning a reservation into a booking one write, whatever the
 * length of the slot.
 */
@Injectable()
export class SlotClaimStore implements OnModuleInit {
  private claims!: Collection<ClaimDocument>;
  private holds!: Collection<HoldDocument>;
  private bookings!: Collection<BookingHoldView>;
  /** Slot claim id → until when it is known to be held by a live hold, and whose (see SEEN_TAKEN_MS). */
  private readonly seenTaken = new Map<string, { until: number; patientId?: string }>();

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    this.claims = this.connection.collection<ClaimDocument>('slot_claims');
    this.holds = this.connection.collection<HoldDocument>('slot_holds');
    this.bookings = this.connection.collection<BookingHoldView>('bookings');
    await this.claims.createIndex({ holdId: 1 });
    await this.claims.createIndex({ kind: 1 });
    await this.holds.createIndex({ lapsing: 1 }, { sparse: true });
  }

  /**
   * A cheap look before claiming: SLOT_UNAVAILABLE at once when the hold's first granule is held by a
   * live hold (from memory for a moment after that was last seen). Claiming still decides; this only
   * spares a busy slot's losers the writes.
   */
  async assertNotTaken(hold: Omit<SlotHold, 'holdId'>, now: Date): Promise<void> {
    const id = this.firstClaimId(hold);
    if (!id) return;
    if ((this.seenTaken.get(id)?.until ?? 0) > now.getTime()) throw slotUnavailable({ ...hold, holdId: '' });
    const holder = await this.claims.findOne({ _id: id });
    if (holder && (await this.isLive(holder, now))) throw slotUnavailable({ ...hold, holdId: '' });
  }

  /**
   * Whether this process saw the hold's first granule held a moment ago by a live hold of another
   * patient than `patientId`: the cheapest refusal there is, no database at all. (Only another
   * patient's: a patient retrying the request that took the slot must get their reservation back.)
   */
  seenTakenByAnother(hold: Omit<SlotHold, 'holdId'>, patientId: string, now: Date): boolean {
    const id = this.firstClaimId(hold);
    const seen = id ? this.seenTaken.get(id) : undefined;
    return Boolean(seen && seen.until > now.getTime() && seen.patientId && seen.patientId !== patientId);
  }

  private firstClaimId(hold: Omit<SlotHold, 'holdId'>): string | undefined {
    const first = granulesOf(hold.start, hold.end, hold.bufferMinutes)[0];
    return first ? slotClaimId(hold.providerId, first) : undefined;
  }

  /**
   * Claims every granule of the hold, or none: SLOT_UNAVAILABLE when a live hold has any of them. A
   * patient's hold (a reservation) also takes one of the patient's `placeLimit` reservation places,
   * the first in the same insert as the granules: RESERVATION_LIMIT_REACHED when every place is taken
   * by a live reservation. A refused hold gives back everything it claimed.
   */
  async claimSlot(hold: SlotHold, now: Date, placeLimit = 0): Promise<void> {
    await this.holds.insertOne({
      _id: hold.holdId,
      providerId: hold.providerId,
      ...(hold.patientId ? { patientId: hold.patientId } : {}),
      ...(hold.expiresAt ? { expiresAt: hold.expiresAt, lapsing: true as const } : {}),
      createdAt: now,
    });
    const granules: ClaimDocument[] = granulesOf(hold.start, hold.end, hold.bufferMinutes).map((at) => ({
      _id: slotClaimId(hold.providerId, at),
      kind: 'slot',
      holdId: hold.holdId,
      createdAt: now,
    }));
    const patientId = placeLimit > 0 ? hold.patientId : undefined;
    const place = (n: number): ClaimDocument => ({
      _id: patientClaimId(patientId!, n),
      kind: 'patient',
      holdId: hold.holdId,
      ...(hold.expiresAt ? { expiresAt: hold.expiresAt } : {}),
      createdAt: now,
    });
    const refuseSlot = (doc: ClaimDocument) => (doc.kind === 'slot' ? slotUnavailable(hold) : undefined);
    try {
      const placeTaken = (await this.insertTakingOverLapsed(patientId ? [...granules, place(1)] : granules, now, refuseSlot)).length > 0;
      if (placeTaken) await this.claimAnotherPlace(place, placeLimit, now);
    } catch (error) {
      await this.release(hold.holdId);
      throw error;
    }
  }

  /** The patient's first place was taken by a live reservation: the next free one of places 2…limit, or RESERVATION_LIMIT_REACHED. */
  private async claimAnotherPlace(place: (n: number) => ClaimDocument, limit: number, now: Date): Promise<void> {
    for (let n = 2; n <= limit; n++) if ((await this.insertTakingOverLapsed([place(n)], now, () => undefined)).length === 0) return;
    throw new BookingError(BookingErrorCode.ReservationLimitReached, `A patient may hold at most ${limit} reservations at a time`, { limit });
  }

  /**
   * Keeps a hold alive until `until`, provided it has not lapsed: the step before the write that makes
   * it booking `bookingId`'s, so a crash before that write leaves a hold that still lapses by itself,
   * and one after it a hold its booking keeps (heldByItsBooking). False if it had lapsed or is gone
   * (the slot may be someone else's now).
   */
  async extend(holdId: string, until: Date, now: Date, bookingId?: string): Promise<boolean> {
    const kept = await this.holds.updateOne({ _id: holdId, expiresAt: { $gt: now } }, { $set: { expiresAt: until, ...(bookingId ? { bookingId } : {}) } });
    return kept.matchedCount === 1;
  }

  /**
   * After the booking write: the hold no longer lapses, and with that the patient's reservation place
   * is free (a place counts only while its hold lapses); the cleanup deletes the place once it lapses.
   */
  async makePermanent(holdId: string): Promise<void> {
    await this.holds.updateOne({ _id: holdId }, { $unset: { expiresAt: 1, lapsing: 1 } });
  }

  /** Frees what a hold claimed: the hold first (its claims count as free from then on), then the claims. */
  async release(holdId: string): Promise<void> {
    await this.holds.deleteOne({ _id: holdId });
    await this.claims.deleteMany({ holdId });
  }

  /**
   * Deletes holds that lapsed by `now`, with their claims, and lapsed patient places (they already count
   * as free; this only tidies up). A lapsed hold its booking still holds (the booking's write happened,
   * the steps after it did not) is made permanent instead, and counted in `repaired`. Each delete is
   * conditional (on what was read, or on having lapsed), so a hold extended or a place taken again
   * meanwhile stays. Reads only the holds and places that can lapse (equalities on small sets), and a
   * booking by its key per hold that names one.
   */
  async deleteLapsed(now: Date, limit: number): Promise<{ deleted: number; repaired: string[] }> {
    let deleted = 0;
    const repaired: string[] = [];
    const lapsed = (await this.holds.find({ lapsing: true }).limit(limit).toArray()).filter((h) => h.expiresAt && h.expiresAt.getTime() <= now.getTime());
    for (const hold of lapsed) {
      if (await this.heldByItsBooking(hold)) {
        await this.makePermanent(hold._id);
        repaired.push(hold._id);
        continue;
      }
      if ((await this.holds.deleteOne({ _id: hold._id, expiresAt: hold.expiresAt! })).deletedCount === 0) continue;
      deleted += (await this.claims.deleteMany({ holdId: hold._id })).deletedCount + 1;
    }
    // One delete for every lapsed place (a booking's place lingers until then): a write per place was two
    // statements per booking on FerretDB, as many as deleting it at the booking had been.
    deleted += (await this.claims.deleteMany({ kind: 'patient', expiresAt: { $lte: now } })).deletedCount;
    return { deleted, repaired };
  }

  /** Whether the hold no longer lapses: made permanent (a booking's), as a converted reservation's is. */
  async isPermanent(holdId: string): Promise<boolean> {
    const hold = await this.holds.findOne({ _id: holdId }, { projection: { expiresAt: 1 } });
    return Boolean(hold) && !hold!.expiresAt;
  }

  /** Whether a hold that lapsed is still its booking's: the booking it names exists, holds its time and holds this hold. */
  private async heldByItsBooking(hold: HoldDocument): Promise<boolean> {
    if (!hold.bookingId) return false;
    const booking = await this.bookings.findOne({ _id: hold.bookingId }, { projection: { status: 1, holdId: 1 } });
    return Boolean(booking) && booking!.holdId === hold._id && SLOT_HOLDING_STATUSES.includes(booking!.status);
  }

  /**
   * Inserts the claims (unordered: all that are free at once), then settles the keys that were taken:
   * a claim of a live hold is refused (`refuse` answers the error to throw, at once) or, when `refuse`
   * answers none, returned as held; one whose hold is gone or lapsed is deleted, conditionally on still
   * naming that hold, and the key is inserted again. Claims this hold already has count as its own.
   */
  private async insertTakingOverLapsed(docs: ClaimDocument[], now: Date, refuse: (doc: ClaimDocument) => BookingError | undefined): Promise<ClaimDocument[]> {
    const held: ClaimDocument[] = [];
    const refuseOrHold = (doc: ClaimDocument) => {
      const error = refuse(doc);
      if (error) throw error;
      held.push(doc);
    };
    let pending = docs;
    for (let round = 0; pending.length > 0; round++) {
      if (round > TAKEOVER_ROUNDS) {
        pending.forEach(refuseOrHold);
        break;
      }
      const taken = await this.insertUnordered(pending);
      const retry: ClaimDocument[] = [];
      for (const doc of taken) {
        const holder = await this.claims.findOne({ _id: doc._id });
        if (!holder)
          retry.push(doc); // freed meanwhile
        else if (holder.holdId === doc.holdId) continue;
        else if (await this.isLive(holder, now)) refuseOrHold(doc);
        else {
          await this.claims.deleteOne({ _id: holder._id, holdId: holder.holdId });
          retry.push(doc);
        }
      }
      pending = retry;
    }
    return held;
  }

  /** Inserts what it can; returns the documents whose keys were taken. */
  private async insertUnordered(docs: ClaimDocument[]): Promise<ClaimDocument[]> {
    try {
      await this.claims.insertMany(docs, { ordered: false });
      return [];
    } catch (error) {
      const indexes = duplicateKeyIndexes(error);
      if (!indexes) throw error;
      return indexes.map((i) => docs[i]!);
    }
  }

  private async isLive(claim: ClaimDocument, now: Date): Promise<boolean> {
    if (claim.kind === 'patient') {
      if (claim.expiresAt && claim.expiresAt.getTime() <= now.getTime()) return false;
      // Taken while its reservation is one: a hold gone (released) or permanent (booked) gives it back.
      const hold = await this.holds.findOne({ _id: claim.holdId }, { projection: { expiresAt: 1 } });
      return Boolean(hold?.expiresAt);
    }
    const hold = await this.holds.findOne({ _id: claim.holdId });
    if (!hold || !(await this.counts(hold, now))) return false;
    const lapsing = hold.expiresAt !== undefined && hold.expiresAt.getTime() > now.getTime();
    this.rememberTaken(claim._id, Math.min(now.getTime() + SEEN_TAKEN_MS, lapsing ? hold.expiresAt!.getTime() : Infinity), hold.patientId);
    return true;
  }

  /**
   * Whether a hold's claims count. One that names its booking counts until it lapses (that booking's
   * write may be under way) and, after that or once permanent, while that booking holds it: a hold left
   * lapsing by a booking's write whose next steps never ran still counts, and one left behind by a
   * change whose release never ran (a booking ended, or moved to another hold) counts no more. Any
   * other hold counts until it lapses, or for ever once permanent (bookings made before holds named them).
   */
  private async counts(hold: HoldDocument, now: Date): Promise<boolean> {
    const lapsing = hold.expiresAt !== undefined && hold.expiresAt.getTime() > now.getTime();
    if (lapsing) return true;
    if (hold.bookingId) return this.heldByItsBooking(hold);
    return hold.expiresAt === undefined;
  }

  private rememberTaken(claimId: string, until: number, patientId: string | undefined): void {
    if (this.seenTaken.size >= SEEN_TAKEN_MAX) {
      const now = Date.now();
      for (const [id, seen] of this.seenTaken) if (seen.until <= now) this.seenTaken.delete(id);
      if (this.seenTaken.size >= SEEN_TAKEN_MAX) this.seenTaken.clear();
    }
    this.seenTaken.set(claimId, { until, ...(patientId ? { patientId } : {}) });
  }
}
