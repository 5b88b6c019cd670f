import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { uniqueSuffix, connectScratchDatabase, dropScratchDatabase } from '@bp/testing';
import { BookingErrorCode } from '../../shared/domain/booking-error.js';
import { granulesOf, patientClaimId, slotClaimId } from '../domain/slot-claims.js';
import { type SlotHold, SlotClaimStore } from './slot-claim.store.js';

const minute = 60_000;
const now = new Date('2031-07-01T10:00:00Z');
const later = (minutes: number) => new Date(now.getTime() + minutes * minute);
const slotUnavailable = expect.objectContaining({ code: BookingErrorCode.SlotUnavailable });

/** The outcome of each attempt: the hold id that won, or the error code of each that lost. */
async function outcomes(attempts: Array<Promise<unknown>>): Promise<{ won: number; lost: string[] }> {
  const settled = await Promise.allSettled(attempts);
  return {
    won: settled.filter((s) => s.status === 'fulfilled').length,
    lost: settled.flatMap((s) => (s.status === 'rejected' ? [String((s.reason as { code?: string }).code ?? s.reason)] : [])),
  };
}

describe('SlotClaimStore on the real MongoDB-compatible server', () => {
  let connection: Connection;
  /** A store as one booking-svc process holds it (its own memory of taken slots). */
  const newProcess = async () => {
    const store = new SlotClaimStore(connection);
    await store.onModuleInit();
    return store;
  };
  let store: SlotClaimStore;
  const claims = () => connection.collection<{ _id: string; holdId: string; kind: string }>('slot_claims');
  const holds = () => connection.collection<{ _id: string }>('slot_holds');
  const newProvider = () => `provider-${randomUUID()}`;
  /** A 30-minute slot with a 15-minute buffer from `hhmm` on 10 July (nine granules), a reservation's unless told otherwise. */
  const hold = (providerId: string, hhmm: string, fields: Partial<SlotHold> = {}): SlotHold => {
    const start = new Date(`2031-07-10T${hhmm}:00Z`);
    return {
      holdId: `h-${randomUUID()}`,
      providerId,
      patientId: `patient-${randomUUID()}`,
      start,
      end: new Date(start.getTime() + 30 * minute),
      bufferMinutes: 15,
      expiresAt: later(10),
      ...fields,
    };
  };
  const claimIds = (h: SlotHold) => granulesOf(h.start, h.end, h.bufferMinutes).map((g) => slotClaimId(h.providerId, g));
  const holderOf = async (h: SlotHold) =>
    (
      await claims()
        .find({ _id: { $in: claimIds(h) } })
        .toArray()
    ).map((c) => c.holdId);

  beforeAll(async () => {
    connection = await connectScratchDatabase(`slot_claims_${uniqueSuffix()}`);
    store = await newProcess();
  });

  afterAll(async () => {
    await dropScratchDatabase(connection);
  });

  it('gives overlapping time to the first hold only, and keeps nothing of the one refused', async () => {
    const providerId = newProvider();
    const first = hold(providerId, '09:00'); // takes 09:00–09:45 with its buffer
    const overlapping = hold(providerId, '09:40');
    const adjacent = hold(providerId, '09:45');

    await store.claimSlot(first, now);
    await expect(store.claimSlot(overlapping, now)).rejects.toEqual(slotUnavailable);
    await store.claimSlot(adjacent, now);

    expect(await holderOf(first)).toEqual(Array(9).fill(first.holdId));
    expect(await claims().countDocuments({ holdId: overlapping.holdId })).toBe(0);
    expect(await holds().countDocuments({ _id: overlapping.holdId })).toBe(0);
    expect(await holderOf(adjacent)).toEqual(Array(9).fill(adjacent.holdId));
  });

  it('lets a new hold take over the claims of one that lapsed, never of one still live or of a booking', async () => {
    const providerId = newProvider();
    const reservation = hold(providerId, '11:00', { expiresAt: later(10) });
    const booking = hold(providerId, '13:00', { expiresAt: undefined });
    await store.claimSlot(reservation, now);
    await store.claimSlot(booking, now);

    // A millisecond before it lapses the reservation still holds the slot.
    await expect(store.claimSlot(hold(providerId, '11:15'), later(10 - 1 / minute))).rejects.toEqual(slotUnavailable);
    const successor = hold(providerId, '11:15', { expiresAt: later(20) });
    await store.claimSlot(successor, later(10));

    expect(await holderOf(successor)).toEqual(Array(9).fill(successor.holdId));
    // The lapsed hold keeps the granules nobody wanted, and cannot be kept alive any more.
    expect(await claims().countDocuments({ holdId: reservation.holdId })).toBe(3);
    expect(await store.extend(reservation.holdId, later(60), later(10))).toBe(false);

    // A booking's hold never lapses.
    await expect(store.claimSlot(hold(providerId, '13:00'), later(60 * 24 * 30))).rejects.toEqual(slotUnavailable);
    expect(await holderOf(booking)).toEqual(Array(9).fill(booking.holdId));
  });

  it('keeps a lapsed hold its booking still holds (the steps after the booking’s write never ran); the cleanup makes it permanent', async () => {
    const bookings = connection.collection<{ _id: string; status: string; holdId: string }>('bookings');
    const providerId = newProvider();
    /** A reservation extended for booking `bookingId`, whose booking then is as given (or never written). */
    const extendedFor = async (hhmm: string, booking?: { status: string; holdsIt: boolean }) => {
      const reservation = hold(providerId, hhmm, { expiresAt: later(10) });
      const bookingId = `b-${randomUUID()}`;
      await store.claimSlot(reservation, now);
      expect(await store.extend(reservation.holdId, later(20), later(5), bookingId)).toBe(true);
      if (booking) await bookings.insertOne({ _id: bookingId, status: booking.status, holdId: booking.holdsIt ? reservation.holdId : 'another-hold' });
      return reservation;
    };
    const kept = await extendedFor('09:00', { status: 'confirmed', holdsIt: true });
    const unwritten = await extendedFor('11:00');
    const cancelled = await extendedFor('13:00', { status: 'cancelled_patient', holdsIt: true });
    const moved = await extendedFor('15:00', { status: 'confirmed', holdsIt: false });

    // Past the write's grace: only the hold its live booking holds still counts.
    await expect(store.claimSlot(hold(providerId, '09:00'), later(30))).rejects.toEqual(slotUnavailable);
    for (const freed of [unwritten, cancelled, moved]) {
      const successor = hold(providerId, freed.start.toISOString().slice(11, 16), { expiresAt: later(60) });
      await store.claimSlot(successor, later(30));
      expect(await holderOf(successor)).toEqual(Array(9).fill(successor.holdId));
    }

    const { repaired } = await store.deleteLapsed(later(30), 1000);
    expect(repaired).toEqual([kept.holdId]);
    expect(await holds().findOne({ _id: kept.holdId })).not.toHaveProperty('expiresAt');
    expect(await store.isPermanent(kept.holdId)).toBe(true);
    expect(await holds().countDocuments({ _id: { $in: [unwritten.holdId, cancelled.holdId, moved.holdId] } })).toBe(0);
  });

  it('stops counting a permanent hold its booking no longer holds (a release that never ran), and keeps one from before holds named their booking', async () => {
    const bookings = connection.collection<{ _id: string; status: string; holdId: string }>('bookings');
    const providerId = newProvider();
    const madePermanentFor = async (hhmm: string, booking: { status: string; holdsIt: boolean }) => {
      const reservation = hold(providerId, hhmm, { expiresAt: later(10) });
      const bookingId = `b-${randomUUID()}`;
      await store.claimSlot(reservation, now);
      expect(await store.extend(reservation.holdId, later(20), later(5), bookingId)).toBe(true);
      await bookings.insertOne({ _id: bookingId, status: booking.status, holdId: booking.holdsIt ? reservation.holdId : 'its-new-hold' });
      await store.makePermanent(reservation.holdId);
      return reservation;
    };
    await madePermanentFor('08:00', { status: 'confirmed', holdsIt: true });
    await madePermanentFor('10:00', { status: 'cancelled_patient', holdsIt: true });
    await madePermanentFor('12:00', { status: 'confirmed', holdsIt: false }); // moved by a reschedule
    const older = hold(providerId, '14:00', { expiresAt: undefined });
    await store.claimSlot(older, now);

    await expect(store.claimSlot(hold(providerId, '08:00'), later(1))).rejects.toEqual(slotUnavailable);
    await expect(store.claimSlot(hold(providerId, '14:00'), later(1))).rejects.toEqual(slotUnavailable);
    for (const hhmm of ['10:00', '12:00']) {
      const successor = hold(providerId, hhmm, { expiresAt: later(60) });
      await store.claimSlot(successor, later(1));
      expect(await holderOf(successor)).toEqual(Array(9).fill(successor.holdId));
    }
  });

  it('frees a hold’s granules when it is released', async () => {
    const providerId = newProvider();
    const released = hold(providerId, '15:00');
    await store.claimSlot(released, now);
    await store.release(released.holdId);

    expect(await claims().countDocuments({ holdId: released.holdId })).toBe(0);
    expect(await holds().countDocuments({ _id: released.holdId })).toBe(0);
    const next = hold(providerId, '15:00');
    await store.claimSlot(next, now);
    expect(await holderOf(next)).toEqual(Array(9).fill(next.holdId));
  });

  it('takes a patient’s place with the slot, and gives it back when the hold is made a booking’s, released or lapsed, never before', async () => {
    const providerId = newProvider();
    const patientId = `patient-${randomUUID()}`;
    const reservation = (hhmm: string, minutes = 10) => hold(providerId, hhmm, { patientId, expiresAt: later(minutes) });
    const first = reservation('08:00');
    await store.claimSlot(first, now, 2);
    expect(await claims().findOne({ _id: patientClaimId(patientId, 1) })).toMatchObject({ kind: 'patient', holdId: first.holdId });
    const second = reservation('09:00');
    await store.claimSlot(second, now, 2);
    expect(await claims().findOne({ _id: patientClaimId(patientId, 2) })).toMatchObject({ holdId: second.holdId });
    // Both places live: a third is refused, and keeps nothing (its hold, its granules).
    const third = reservation('10:00');
    await expect(store.claimSlot(third, now, 2)).rejects.toEqual(expect.objectContaining({ code: BookingErrorCode.ReservationLimitReached }));
    expect(await holds().countDocuments({ _id: third.holdId })).toBe(0);
    expect(await claims().countDocuments({ holdId: third.holdId })).toBe(0);
    // A taken slot is refused as such, the patient's places untouched.
    await expect(store.claimSlot(hold(providerId, '08:00', { patientId }), now, 2)).rejects.toEqual(slotUnavailable);

    // The first becomes a booking's: its place is free at once (no write of its own), its slot stays taken.
    expect(await store.extend(first.holdId, later(30), later(5))).toBe(true);
    await store.makePermanent(first.holdId);
    await expect(store.claimSlot(hold(providerId, '08:00'), later(60))).rejects.toEqual(slotUnavailable);
    const fourth = reservation('11:00');
    await store.claimSlot(fourth, now, 2);
    expect(await claims().findOne({ _id: patientClaimId(patientId, 1) })).toMatchObject({ holdId: fourth.holdId });
    // The second is released: its place is free.
    await store.release(second.holdId);
    await store.claimSlot(reservation('12:00'), now, 2);
    // Both places live again until they lapse.
    await expect(store.claimSlot(reservation('13:00'), now, 2)).rejects.toEqual(expect.objectContaining({ code: BookingErrorCode.ReservationLimitReached }));
    const last = reservation('13:00', 30);
    await store.claimSlot(last, later(10), 2);

    // The cleanup deletes the places that lapsed, and no other.
    await store.deleteLapsed(later(20), 1000);
    const places = await claims()
      .find({ _id: { $in: [patientClaimId(patientId, 1), patientClaimId(patientId, 2)] } })
      .toArray();
    expect(places.map((p) => p.holdId)).toEqual([last.holdId]);
  });

  it('remembers a slot as another patient’s only after seeing their live hold refuse someone, and never as the same patient’s', async () => {
    const providerId = newProvider();
    const holder = hold(providerId, '17:00', { expiresAt: later(10) });
    const slot = { providerId, start: holder.start, end: holder.end, bufferMinutes: holder.bufferMinutes };
    await store.claimSlot(holder, now);
    // Taking the slot is not seeing it taken.
    expect(store.seenTakenByAnother(slot, 'someone-else', now)).toBe(false);

    await expect(store.assertNotTaken(slot, now)).rejects.toEqual(slotUnavailable);

    expect(store.seenTakenByAnother(slot, 'someone-else', now)).toBe(true);
    expect(store.seenTakenByAnother(slot, holder.patientId!, now)).toBe(false);
    // Only for a second, and only in the process that saw it.
    expect(store.seenTakenByAnother(slot, 'someone-else', new Date(now.getTime() + 999))).toBe(true);
    expect(store.seenTakenByAnother(slot, 'someone-else', new Date(now.getTime() + 1_000))).toBe(false);
    expect((await newProcess()).seenTakenByAnother(slot, 'someone-else', now)).toBe(false);
    // A slot with the same first granule but another length is the same slot to this memory; another provider's is not.
    expect(store.seenTakenByAnother({ ...slot, end: new Date(holder.end.getTime() + 60 * minute) }, 'someone-else', now)).toBe(true);
    expect(store.seenTakenByAnother({ ...slot, providerId: newProvider() }, 'someone-else', now)).toBe(false);
  });

  it('remembers a slot seen taken no longer than its hold lives, and never for a hold that is no patient’s', async () => {
    const providerId = newProvider();
    const lapsingSoon = hold(providerId, '18:00', { expiresAt: new Date(now.getTime() + 200) });
    await store.claimSlot(lapsingSoon, now);
    await expect(store.claimSlot(hold(providerId, '18:00'), now)).rejects.toEqual(slotUnavailable);
    const slot = { providerId, start: lapsingSoon.start, end: lapsingSoon.end, bufferMinutes: 15 };
    expect(store.seenTakenByAnother(slot, 'someone-else', new Date(now.getTime() + 199))).toBe(true);
    expect(store.seenTakenByAnother(slot, 'someone-else', new Date(now.getTime() + 200))).toBe(false);

    // A provider's reschedule proposal holds time for no patient: nobody is refused from memory.
    const { patientId: _none, ...proposalFields } = hold(providerId, '20:00');
    const proposal: SlotHold = proposalFields;
    await store.claimSlot(proposal, now);
    await expect(store.claimSlot(hold(providerId, '20:00'), now)).rejects.toEqual(slotUnavailable);
    expect(store.seenTakenByAnother({ providerId, start: proposal.start, end: proposal.end, bufferMinutes: 15 }, 'someone-else', now)).toBe(false);
  });

  it('gives exactly one of 50 simultaneous holds on the same slot every granule, and leaves nothing of the others', async () => {
    const providerId = newProvider();
    const contenders = Array.from({ length: 50 }, () => hold(providerId, '19:00'));
    const stores = [store, await newProcess(), await newProcess()];

    const { won, lost } = await outcomes(contenders.map((c, i) => stores[i % stores.length]!.claimSlot(c, now)));

    expect(won).toBe(1);
    expect(lost).toEqual(Array(49).fill(BookingErrorCode.SlotUnavailable));
    const holders = new Set(await holderOf(contenders[0]!));
    expect(holders.size).toBe(1);
    const winner = [...holders][0]!;
    expect(contenders.map((c) => c.holdId)).toContain(winner);
    expect(await claims().countDocuments({ holdId: { $ne: winner }, _id: { $in: claimIds(contenders[0]!) } })).toBe(0);
    expect(await holds().countDocuments({ _id: { $in: contenders.map((c) => c.holdId) } })).toBe(1);
  });

  it('gives one of two holds that overlap in part all of their granules, however they interleave', async () => {
    for (let round = 0; round < 20; round++) {
      const providerId = newProvider();
      // 09:00–09:45 and 09:20–10:05: they share 09:20–09:45.
      const [a, b] = [hold(providerId, '09:00'), hold(providerId, '09:20')];
      const { won, lost } = await outcomes([store.claimSlot(a, now), store.claimSlot(b, now)]);
      expect([round, won, lost]).toEqual([round, 1, [BookingErrorCode.SlotUnavailable]]);
    }
  });
});
