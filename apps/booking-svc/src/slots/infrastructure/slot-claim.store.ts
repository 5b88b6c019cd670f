import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Collection, Connection } from 'mongoose';
import { BookingError, BookingErrorCode } from '../../shared/domain/booking-error.js';
import { granulesOf, patientClaimId, slotClaimId } from '../domain/slot-claims.js';

interface ClaimDocument {
  _id: string;
  kind: 'slot' | 'patient';
  holdId: string;
  /** Absent once the hold is a booking; a hold past it may be taken over by anyone. */
  expiresAt?: Date;
  providerId?: string;
  at?: Date;
  createdAt: Date;
}

export interface SlotHold {
  holdId: string;
  providerId: string;
  start: Date;
  end: Date;
  bufferMinutes: number;
  /** Set for a reservation (it lapses); omitted for a booking. */
  expiresAt?: Date;
}

const DUPLICATE_KEY = 11000;
const TAKEOVER_ROUNDS = 3;

function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: number; writeErrors?: Array<{ code?: number }> };
  return e.code === DUPLICATE_KEY || (e.writeErrors ?? []).some((w) => w.code === DUPLICATE_KEY);
}

/**
 * The unique-key claims behind "no double booking" and "at most N reservations per patient". A claim
 * whose hold has lapsed (expiresAt in the past) counts as free: the next claimant deletes it, by a
 * conditional delete, and takes the key. Correctness never waits for a cleanup job.
 */
@Injectable()
export class SlotClaimStore implements OnModuleInit {
  private claims!: Collection<ClaimDocument>;

  constructor(@InjectConnection() private readonly connection: Connection) {}

  async onModuleInit(): Promise<void> {
    this.claims = this.connection.collection<ClaimDocument>('slot_claims');
    await this.claims.createIndex({ holdId: 1 });
    await this.claims.createIndex({ providerId: 1, at: 1 });
  }

  /** Claims every granule of the hold, or none: SLOT_UNAVAILABLE when a live hold has any of them. */
  async claimSlot(hold: SlotHold, now: Date): Promise<void> {
    const docs: ClaimDocument[] = granulesOf(hold.start, hold.end, hold.bufferMinutes).map((at) => ({
      _id: slotClaimId(hold.providerId, at),
      kind: 'slot',
      holdId: hold.holdId,
      providerId: hold.providerId,
      at,
      createdAt: now,
      ...(hold.expiresAt ? { expiresAt: hold.expiresAt } : {}),
    }));
    try {
      await this.insertAll(docs, hold.holdId, now);
    } catch (error) {
      await this.release(hold.holdId, 'slot');
      if (isDuplicateKey(error))
        throw new BookingError(BookingErrorCode.SlotUnavailable, 'This time is no longer available', {
          providerId: hold.providerId,
          start: hold.start,
          end: hold.end,
        });
      throw error;
    }
  }

  /** Takes one of the patient's `limit` reservation places, or RESERVATION_LIMIT_REACHED. */
  async claimPatientPlace(patientId: string, holdId: string, limit: number, expiresAt: Date, now: Date): Promise<void> {
    for (let n = 1; n <= limit; n++) {
      const doc: ClaimDocument = { _id: patientClaimId(patientId, n), kind: 'patient', holdId, expiresAt, createdAt: now };
      try {
        await this.insertAll([doc], holdId, now);
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    throw new BookingError(BookingErrorCode.ReservationLimitReached, `A patient may hold at most ${limit} reservations at a time`, { limit });
  }

  /**
   * Keeps a hold's slot claims alive until `until`, provided none has lapsed: the step before the
   * write that makes them a booking's, so a crash in between leaves claims that still lapse by
   * themselves. False if any had lapsed (the slot may be someone else's now).
   */
  async extend(holdId: string, until: Date, now: Date): Promise<boolean> {
    const held = await this.claims.countDocuments({ holdId, kind: 'slot' });
    const kept = await this.claims.updateMany({ holdId, kind: 'slot', expiresAt: { $gt: now } }, { $set: { expiresAt: until } });
    return held > 0 && kept.matchedCount === held;
  }

  /** After the booking write: the hold's slot claims no longer lapse, and the patient's reservation place is free. */
  async makePermanent(holdId: string): Promise<void> {
    await this.claims.updateMany({ holdId, kind: 'slot' }, { $unset: { expiresAt: 1 } });
    await this.release(holdId, 'patient');
  }

  /** Frees what a hold claimed (all of it, or only its slot or patient claims). */
  async release(holdId: string, kind?: ClaimDocument['kind']): Promise<void> {
    await this.claims.deleteMany({ holdId, ...(kind ? { kind } : {}) });
  }

  /**
   * Deletes claims whose hold lapsed by `now` (they already count as free; this only tidies up).
   * Each delete is conditional on the claim read, so a key taken over meanwhile by a new hold stays.
   */
  async deleteLapsed(now: Date, limit: number): Promise<number> {
    const lapsed = await this.claims
      .find({ expiresAt: { $lte: now } })
      .limit(limit)
      .toArray();
    let deleted = 0;
    for (const claim of lapsed) deleted += (await this.claims.deleteOne({ _id: claim._id, holdId: claim.holdId, expiresAt: claim.expiresAt! })).deletedCount;
    return deleted;
  }

  /** Inserts, taking over keys whose holds have lapsed; throws the duplicate-key error when a live hold has one. */
  private async insertAll(docs: ClaimDocument[], holdId: string, now: Date): Promise<void> {
    for (let round = 0; ; round++) {
      const mine = new Set((await this.claims.find({ _id: { $in: docs.map((d) => d._id) }, holdId }, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
      const missing = docs.filter((d) => !mine.has(d._id));
      if (missing.length === 0) return;
      try {
        await this.claims.insertMany(missing, { ordered: true });
        return;
      } catch (error) {
        if (!isDuplicateKey(error) || round >= TAKEOVER_ROUNDS) throw error;
        const taken = await this.claims.find({ _id: { $in: missing.map((d) => d._id) }, holdId: { $ne: holdId } }).toArray();
        const live = taken.filter((c) => !c.expiresAt || c.expiresAt.getTime() > now.getTime());
        if (live.length > 0) throw error;
        for (const lapsed of taken) await this.claims.deleteOne({ _id: lapsed._id, holdId: lapsed.holdId, expiresAt: { $lte: now } });
      }
    }
  }
}
