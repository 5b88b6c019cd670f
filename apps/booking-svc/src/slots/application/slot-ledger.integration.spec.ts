import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { BookingErrorCode } from '../../shared/domain/booking-error.js';
import type { SlotEffect, SlotPlan } from '../domain/slot-plan.js';
import { SlotClaimStore } from '../infrastructure/slot-claim.store.js';
import { SlotLedger } from './slot-ledger.js';

const minute = 60_000;
const now = new Date('2031-07-01T10:00:00Z');
const later = (minutes: number) => new Date(now.getTime() + minutes * minute);

describe('SlotLedger: claim, commit and abort around a write, on the real MongoDB-compatible server', () => {
  let connection: Connection;
  let store: SlotClaimStore;
  let ledger: SlotLedger;
  const holds = () => connection.collection<{ _id: string; expiresAt?: Date; patientId?: string }>('slot_holds');
  /** The booking's write, as far as its slot goes: the hold it holds, and its status. */
  const bookingWritten = (bookingId: string, holdId: string) =>
    connection
      .collection<{ _id: string; status: string; holdId: string }>('bookings')
      .updateOne({ _id: bookingId }, { $set: { status: 'confirmed', holdId } }, { upsert: true });
  const claimsOf = (holdId: string) => connection.collection<{ holdId: string; kind: string }>('slot_claims').find({ holdId }).toArray();
  /** 30 minutes at `hhmm` on 10 July, as a new hold of its own. */
  const slot = (hhmm: string, holdId = `h-${randomUUID()}`): Extract<SlotEffect, { kind: 'claim_slot' }> => {
    const start = new Date(`2031-07-10T${hhmm}:00Z`);
    return { kind: 'claim_slot', holdId, start, end: new Date(start.getTime() + 30 * minute) };
  };
  const plan = (providerId: string, effects: SlotEffect[], fields: Partial<SlotPlan> = {}): SlotPlan => ({ providerId, bufferMinutes: 15, effects, ...fields });
  /** Whether anyone else could take this time now (a probe hold, given straight back). */
  const isFree = async (providerId: string, hhmm: string) => {
    const probe = plan(providerId, [slot(hhmm)]);
    try {
      await ledger.claim(probe, now);
    } catch {
      return false;
    }
    await ledger.abort(probe);
    return true;
  };

  beforeAll(async () => {
    connection = await connectScratchDatabase(`slot_ledger_${uniqueSuffix()}`);
    store = new SlotClaimStore(connection);
    await store.onModuleInit();
    ledger = new SlotLedger(store);
  }, 60_000);

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('a reservation: claims the slot and a patient place that lapse at its expiry; abort gives both back', async () => {
    const providerId = `provider-${randomUUID()}`;
    const reservation = plan(providerId, [slot('09:00')], { claimsLapseAt: later(10), patient: { id: 'patient-a', placeLimit: 1 } });
    await ledger.claim(reservation, now);
    const holdId = reservation.effects[0]!.holdId;
    expect(await holds().findOne({ _id: holdId })).toMatchObject({ expiresAt: later(10), patientId: 'patient-a' });
    expect((await claimsOf(holdId)).map((c) => c.kind).sort()).toEqual(['patient', ...Array(9).fill('slot')]);
    expect(await isFree(providerId, '09:00')).toBe(false);
    // The patient's one place is taken: a second reservation elsewhere is refused.
    await expect(
      ledger.claim(plan(providerId, [slot('12:00')], { claimsLapseAt: later(10), patient: { id: 'patient-a', placeLimit: 1 } }), now),
    ).rejects.toMatchObject({
      code: BookingErrorCode.ReservationLimitReached,
    });

    await ledger.abort(reservation); // its write failed
    expect(await holds().findOne({ _id: holdId })).toBeNull();
    expect(await claimsOf(holdId)).toEqual([]);
    expect(await isFree(providerId, '09:00')).toBe(true);
  });

  it('refuses a slot a live hold has with SLOT_UNAVAILABLE, and the refused claim leaves nothing behind', async () => {
    const providerId = `provider-${randomUUID()}`;
    await ledger.claim(plan(providerId, [slot('09:00')], { claimsLapseAt: later(10) }), now);
    const loser = plan(providerId, [slot('09:15')], { claimsLapseAt: later(10), patient: { id: 'patient-b', placeLimit: 2 } });
    await expect(ledger.claim(loser, now)).rejects.toMatchObject({ code: BookingErrorCode.SlotUnavailable });
    const loserHold = loser.effects[0]!.holdId;
    expect(await holds().findOne({ _id: loserHold })).toBeNull();
    expect(await claimsOf(loserHold)).toEqual([]); // the patient's place given back with the slot
  });

  it('a booking: claim keeps the reservation alive through the write, commit makes it permanent and frees the patient place', async () => {
    const providerId = `provider-${randomUUID()}`;
    const reserved = slot('10:00');
    await ledger.claim(plan(providerId, [reserved], { claimsLapseAt: later(5), patient: { id: 'patient-c', placeLimit: 1 } }), now);
    const bookingId = `b-${randomUUID()}`;
    const booking = plan(providerId, [{ kind: 'make_slot_permanent', holdId: reserved.holdId, bookingId }]);

    await ledger.claim(booking, later(1));
    expect((await holds().findOne({ _id: reserved.holdId }))?.expiresAt?.getTime()).toBeGreaterThan(later(5).getTime()); // the write's grace
    await bookingWritten(bookingId, reserved.holdId);
    await ledger.commit(booking);
    expect(await holds().findOne({ _id: reserved.holdId })).not.toHaveProperty('expiresAt');
    expect(await isFree(providerId, '10:00')).toBe(false);
    // The patient's one place is theirs again.
    await ledger.claim(plan(providerId, [slot('16:00')], { claimsLapseAt: later(5), patient: { id: 'patient-c', placeLimit: 1 } }), later(1));
  });

  it('refuses to book a reservation that lapsed with RESERVATION_EXPIRED', async () => {
    const providerId = `provider-${randomUUID()}`;
    const reserved = slot('11:00');
    await ledger.claim(plan(providerId, [reserved], { claimsLapseAt: later(5) }), now);
    await expect(ledger.claim(plan(providerId, [{ kind: 'make_slot_permanent', holdId: reserved.holdId, bookingId: 'b-1' }]), later(6))).rejects.toMatchObject({
      code: BookingErrorCode.ReservationExpired,
    });
  });

  it('a reschedule: the proposed time is claimed until its deadline; accepting commits it and releases the old time', async () => {
    const providerId = `provider-${randomUUID()}`;
    const booked = slot('13:00');
    const bookingId = `b-${randomUUID()}`;
    await ledger.claim(plan(providerId, [booked, { kind: 'make_slot_permanent', holdId: booked.holdId, bookingId }]), now);
    await bookingWritten(bookingId, booked.holdId);
    await ledger.commit(plan(providerId, [booked, { kind: 'make_slot_permanent', holdId: booked.holdId, bookingId }]));

    const proposed = slot('15:00');
    await ledger.claim(plan(providerId, [proposed], { claimsLapseAt: later(60) }), now);
    expect((await holds().findOne({ _id: proposed.holdId }))?.expiresAt).toEqual(later(60));

    const accept = plan(providerId, [
      { kind: 'make_slot_permanent', holdId: proposed.holdId, bookingId },
      { kind: 'release_slot', holdId: booked.holdId },
    ]);
    await ledger.claim(accept, later(2));
    expect(await isFree(providerId, '13:00')).toBe(false); // nothing released before the write
    await bookingWritten(bookingId, proposed.holdId);
    await ledger.commit(accept);
    expect(await isFree(providerId, '13:00')).toBe(true);
    expect(await isFree(providerId, '15:00')).toBe(false);
    expect(await holds().findOne({ _id: proposed.holdId })).not.toHaveProperty('expiresAt');
  });
});
