import { indexNames } from '@bp/platform';
import { migrationSpecDatabase } from '@bp/testing';
import { BookingErrorCode } from '../shared/domain/booking-error.js';
import { SlotClaimStore } from '../slots/infrastructure/slot-claim.store.js';
import { slotHolds } from './20261205000000-slot-holds.js';

const minute = 60_000;
const createdAt = new Date('2026-11-20T10:00:00Z');
const expiry = new Date('2031-08-01T10:10:00Z');
const granule = (providerId: string, iso: string) => ({ _id: `slot|${providerId}|${new Date(iso).toISOString()}`, at: new Date(iso) });

interface LegacyClaim {
  _id: string;
  kind: string;
  holdId: string;
  providerId?: string;
  at?: Date;
  expiresAt?: Date;
  createdAt: Date;
}

/** Slot claims as the release before left them: each carrying its hold's expiry (none once a booking's). */
const seededClaims: LegacyClaim[] = [
  // A reservation's hold; its claims disagree on the expiry (an extend that stopped half-way): the latest counts.
  ...['09:00', '09:05'].map((t) => ({ ...granule('p1', `2031-08-10T${t}:00Z`), kind: 'slot', holdId: 'reservation', providerId: 'p1', expiresAt: expiry })),
  { ...granule('p1', '2031-08-10T09:10:00Z'), kind: 'slot', holdId: 'reservation', providerId: 'p1', expiresAt: new Date(expiry.getTime() - 5 * minute) },
  // A booking's hold: no expiry.
  ...['11:00', '11:05'].map((t) => ({ ...granule('p1', `2031-08-10T${t}:00Z`), kind: 'slot', holdId: 'booking', providerId: 'p1' })),
  // A booking made permanent half-way: one claim still lapsing. It is a booking's.
  { ...granule('p2', '2031-08-10T13:00:00Z'), kind: 'slot', holdId: 'half-permanent', providerId: 'p2', expiresAt: expiry },
  { ...granule('p2', '2031-08-10T13:05:00Z'), kind: 'slot', holdId: 'half-permanent', providerId: 'p2' },
  // From before claims named their provider: it is in the id.
  { _id: 'slot|p3|2031-08-10T15:00:00.000Z', kind: 'slot', holdId: 'oldest' },
  // A patient's reservation place is not a hold on time.
  { _id: 'patient|u1|1', kind: 'patient', holdId: 'reservation', expiresAt: expiry },
].map((claim) => ({ ...claim, createdAt }));

describe('booking-svc migration 20261205000000 slot-holds', () => {
  const { db, connection, runner } = migrationSpecDatabase('slot_holds_migration', [slotHolds], { connection: true });
  const holds = async () => (await db.collection('slot_holds').find({}).sort({ _id: 1 }).toArray()).map(({ createdAt: _c, ...hold }) => hold);
  const claims = () => db.collection('slot_claims').find({}).sort({ _id: 1 }).toArray();
  const byId = <T extends { _id: unknown }>(list: T[]) => [...list].sort((a, b) => String(a._id).localeCompare(String(b._id)));
  /** The current release's store, reading what the migration left. */
  const store = async () => {
    const claimStore = new SlotClaimStore(connection);
    await claimStore.onModuleInit();
    return claimStore;
  };
  const contender = (providerId: string, iso: string, holdId: string) => ({
    holdId,
    providerId,
    patientId: 'u9',
    start: new Date(iso),
    end: new Date(Date.parse(iso) + 5 * minute),
    bufferMinutes: 0,
    expiresAt: new Date('2031-09-01T00:00:00Z'),
  });

  beforeEach(async () => {
    await db.collection('slot_claims').insertMany(seededClaims.map((c) => ({ ...c })) as never[]);
  });

  it('makes one hold per set of slot claims, lapsing at the latest expiry its claims had or never for a booking’s, and leaves the claims alone', async () => {
    await runner().up();

    expect(await holds()).toEqual([
      { _id: 'booking', providerId: 'p1' },
      { _id: 'half-permanent', providerId: 'p2' },
      { _id: 'oldest', providerId: 'p3' },
      { _id: 'reservation', providerId: 'p1', expiresAt: expiry, lapsing: true },
    ]);
    expect((await db.collection('slot_holds').findOne({ _id: 'booking' as never }))?.['createdAt']).toBeInstanceOf(Date);
    expect(await claims()).toEqual(byId(seededClaims));
  });

  it('lets the current release see the reservation’s claims held until its expiry and the bookings’ for good', async () => {
    await runner().up();
    const claimStore = await store();

    await expect(claimStore.claimSlot(contender('p1', '2031-08-10T09:10:00Z', 'early'), new Date(expiry.getTime() - 1))).rejects.toEqual(
      expect.objectContaining({ code: BookingErrorCode.SlotUnavailable }),
    );
    await claimStore.claimSlot(contender('p1', '2031-08-10T09:10:00Z', 'after-expiry'), expiry);
    for (const [providerId, iso] of [
      ['p1', '2031-08-10T11:00:00Z'],
      ['p2', '2031-08-10T13:00:00Z'],
      ['p3', '2031-08-10T15:00:00Z'],
    ] as const)
      await expect(claimStore.claimSlot(contender(providerId, iso, `late-${providerId}`), new Date('2040-01-01T00:00:00Z'))).rejects.toEqual(
        expect.objectContaining({ code: BookingErrorCode.SlotUnavailable }),
      );
  });

  it('leaves a hold the service already wrote as it is, and changes nothing when its up runs again', async () => {
    const written = { _id: 'reservation', providerId: 'p1', expiresAt: new Date('2031-08-01T10:30:00Z'), lapsing: true, createdAt };
    await db.collection('slot_holds').insertOne(written as never);
    await runner().up();
    const [afterHolds, afterClaims] = [await holds(), await claims()];
    expect(afterHolds.find((h) => String(h._id) === 'reservation')).toEqual({
      _id: 'reservation',
      providerId: 'p1',
      expiresAt: written.expiresAt,
      lapsing: true,
    });

    await slotHolds.up({ db, version: slotHolds.version, log: () => undefined });

    expect(await holds()).toEqual(afterHolds);
    expect(await claims()).toEqual(afterClaims);
  });

  it('down puts each hold’s expiry back on its slot claims, also on claims written since, and drops slot_holds', async () => {
    await runner().up();
    // Written by the current release after the migration: a reservation whose claims name only their hold...
    await (await store()).claimSlot(contender('p4', '2031-08-11T09:00:00Z', 'new-reservation'), createdAt);
    // ...and the old reservation extended and made a booking's.
    await db.collection('slot_holds').updateOne({ _id: 'reservation' as never }, { $unset: { expiresAt: 1, lapsing: 1 } });

    await runner().down();

    const after = await claims();
    expect(after.filter((c) => c['kind'] === 'slot' && c['holdId'] === 'new-reservation').map((c) => c['expiresAt'])).toEqual([
      new Date('2031-09-01T00:00:00Z'),
    ]);
    expect(after.filter((c) => c['holdId'] === 'reservation' && c['kind'] === 'slot').map((c) => c['expiresAt'])).toEqual([undefined, undefined, undefined]);
    // The other holds' claims as they were, except that the half-permanent booking's are all permanent now; the patient's place untouched.
    const others = after.filter((c) => !['new-reservation', 'reservation'].includes(c['holdId'] as string) || c['kind'] === 'patient');
    const permanent = ({ expiresAt: _e, ...claim }: LegacyClaim) => claim;
    expect(others).toEqual(
      byId(seededClaims.filter((c) => c.holdId !== 'reservation' || c.kind === 'patient').map((c) => (c.holdId === 'half-permanent' ? permanent(c) : c))),
    );
    expect((await db.listCollections({ name: 'slot_holds' }).toArray()).map((c) => c.name)).toEqual([]);
    expect(await indexNames(db, 'slot_holds')).toEqual([]);
    expect((await runner().status()).map((row) => row.state)).toEqual(['pending']);

    // And down again (a crash before its record was removed) changes nothing more.
    const once = await claims();
    await slotHolds.down({ db, version: slotHolds.version, log: () => undefined });
    expect(await claims()).toEqual(once);
  });

  it('down deletes the claims of holds already gone, which the release before would read as held for good', async () => {
    await runner().up();
    // A release that crashed between deleting its hold and its claims: the claims are free now.
    await (await store()).claimSlot(contender('p5', '2031-08-12T09:00:00Z', 'released-half-way'), createdAt);
    await db.collection('slot_holds').deleteOne({ _id: 'released-half-way' as never });

    await runner().down();

    expect((await claims()).filter((c) => c['holdId'] === 'released-half-way')).toEqual([]);
    expect((await claims()).filter((c) => c['holdId'] === 'booking')).toHaveLength(2); // live holds' claims stay
  });
});
